"""The public page of a partnership: published promises and disclosure-controlled statistics."""
