"""Documents that freeze when adopted or signed: the one home of that rule.

A lägesbild or action plan is frozen once adopted, a collaboration agreement once signed, and so
is what such a document shows while it is in force (the problems, causes, goals, indicators,
measures and activities it prints) and the parts it is made of (promises, parties, signatures).
A frozen row is changed only by a new version of its document.

Each app says *why* its rows freeze with :func:`freeze` (a :class:`Freeze` rule: which stored
state freezes a row, through which foreign keys, which fields then stay as they are, whether the
row may be deleted) and gives its models the :class:`Freezable` base. One guard,
:func:`check_save`, :func:`check_delete` and :func:`check_links`, then enforces every rule on
``save()`` and ``delete()``, on the queryset paths that skip them (``update()``, ``delete()``,
``bulk_update()``, ``bulk_create()``, see :class:`FreezableQuerySet`) and on many-to-many links.

Apps register rules downwards only: the plans app says what the adopted action plan freezes,
the agreements app (above it) what a signed agreement freezes, including plan rows it prints.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = [
    "ADOPTED_FROZEN",
    "AGREEMENT_FROZEN",
    "AGREEMENT_IN_FORCE",
    "AgreementStatus",
    "DocumentStatus",
    "Freezable",
    "FreezableQuerySet",
    "Freeze",
    "FrozenError",
    "check_delete",
    "check_links",
    "check_save",
    "discarding_frozen",
    "freeze",
    "frozen_by",
]


class FrozenError(Exception):
    """An adopted or signed document was about to be changed; make a new version instead."""


class DocumentStatus(models.TextChoices):
    """The life of a document adopted by a decision body (lägesbild, action plan)."""

    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("Under review")
    ADOPTED = "adopted", _("Adopted")
    SUPERSEDED = "superseded", _("Superseded")


class AgreementStatus(models.TextChoices):
    """The life of a collaboration agreement."""

    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("Partner review")
    SIGNED = "signed", _("Signed")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


# A document in one of these statuses is frozen itself.
ADOPTED_FROZEN = (DocumentStatus.ADOPTED, DocumentStatus.SUPERSEDED)
AGREEMENT_FROZEN = (AgreementStatus.SIGNED, AgreementStatus.PUBLISHED, AgreementStatus.SUPERSEDED)
# An agreement in force freezes what it prints; a superseded one is history and freezes nothing
# but itself.
AGREEMENT_IN_FORCE = (AgreementStatus.SIGNED, AgreementStatus.PUBLISHED)

Message = Callable[[models.Model, models.Model], str]


def _part_of(document: Any) -> Message:
    def message(obj: models.Model, holder: models.Model) -> str:
        return str(
            _(
                "“%(name)s” is part of %(document)s and cannot be changed or added to; "
                "make a new version of it."
            )
            % {"name": str(obj)[:80], "document": document}
        )

    return message


@dataclass(frozen=True)
class Freeze:
    """One reason why rows of a model are frozen.

    Parameters
    ----------
    when
        The state that freezes, as a filter on the *holder*: the row itself, or the row reached
        through ``via``.
    via
        Foreign keys from the row to its holder, in lookup syntax (``"agreement"``,
        ``"party__agreement"``); empty when the row's own state freezes it. A row is also
        refused when it is added or moved under a frozen holder.
    fields
        The attribute names that stay as they are; ``None`` means all of the row's content.
        A save that changes none of them goes through (follow-up goes on).
    every_save
        Refuse every save of a frozen row, changed or not (documents and their parts), except
        the status ``moves`` that save only ``move_fields``.
    refuse_delete
        Whether a frozen row may not be deleted either.
    document
        The document in force, in words, for pages that say why an edit is refused.
    message
        Makes the error text from the row and its holder.
    """

    when: Q
    via: str = ""
    fields: tuple[str, ...] | None = None
    every_save: bool = False
    refuse_delete: bool = False
    document: Any = None
    message: Message | None = None
    moves: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    move_fields: frozenset[str] = field(default_factory=frozenset)

    def error(self, obj: models.Model, holder: models.Model) -> FrozenError:
        text = (self.message or _part_of(self.document))(obj, holder)
        return FrozenError(text)

    def on_row(self) -> Q:
        """``when`` as a filter on the frozen model's rows."""
        if not self.via:
            return self.when
        return _prefixed(self.when, self.via)

    def holder_model(self, model: type[models.Model]) -> type[models.Model]:
        for name in self.via.split("__") if self.via else ():
            model = model._meta.get_field(name).related_model  # type: ignore[assignment]
        return model


def _prefixed(q: Q, prefix: str) -> Q:
    """``q`` with every lookup put behind ``prefix``."""
    children: list[Any] = []
    for child in q.children:
        if isinstance(child, Q):
            children.append(_prefixed(child, prefix))
        else:
            lookup, value = child  # type: ignore[misc]
            children.append((f"{prefix}__{lookup}", value))
    return Q(*children, _connector=q.connector, _negated=q.negated)


_RULES: dict[type[models.Model], list[Freeze]] = {}
_discarding: contextvars.ContextVar[bool] = contextvars.ContextVar("discarding", default=False)


def freeze(model: type[models.Model], rule: Freeze) -> None:
    """Register ``rule`` for ``model`` (a :class:`Freezable`); rules apply in this order."""
    _RULES.setdefault(model, []).append(rule)


def _rules(model: type[models.Model]) -> list[Freeze]:
    return _RULES.get(model._meta.concrete_model or model, [])


@contextlib.contextmanager
def discarding_frozen() -> Iterator[None]:
    """Let queryset deletes throw frozen rows away inside this block.

    Only the demo's rebuild does this: its content is made up and replaced as a whole. Real
    documents are superseded, never deleted; deleting a partnership still removes its documents
    through the database cascade.
    """
    token = _discarding.set(True)
    try:
        yield
    finally:
        _discarding.reset(token)


def _content_fields(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(
        f.attname
        for f in model._meta.concrete_fields
        if not f.primary_key and not getattr(f, "auto_now_add", False)
    )


def _stored(obj: models.Model) -> dict[str, Any] | None:
    if obj.pk is None:
        return None
    model = type(obj)
    return model._base_manager.filter(pk=obj.pk).values(*_content_fields(model)).first()


def _holder_ids(obj: models.Model, rule: Freeze, stored: dict[str, Any] | None) -> set[Any]:
    """Primary keys of the holders the row has now (in memory) and had (stored)."""
    if not rule.via:
        return {obj.pk} if stored is not None else set()
    model = type(obj)
    first, _sep, rest = rule.via.partition("__")
    fk = model._meta.get_field(first)
    values = {getattr(obj, fk.attname)}  # type: ignore[union-attr]
    if stored is not None:
        values.add(stored[fk.attname])  # type: ignore[union-attr]
    values.discard(None)
    if not rest or not values:
        return values
    related = fk.related_model._base_manager  # type: ignore[union-attr]
    return set(related.filter(pk__in=values).values_list(rest, flat=True)) - {None}


def _holder(obj: models.Model, rule: Freeze, stored: dict[str, Any] | None) -> Any:
    ids = _holder_ids(obj, rule, stored)
    if not ids:
        return None
    holders = rule.holder_model(type(obj))._base_manager.filter(pk__in=ids)
    return holders.filter(rule.when).order_by("pk").first()


def frozen_by(obj: models.Model) -> str | None:
    """The document in force that freezes ``obj``, in words, or None."""
    stored = _stored(obj)
    for rule in _rules(type(obj)):
        if rule.document is not None and _holder(obj, rule, stored) is not None:
            return str(rule.document)
    return None


def _refuses(
    obj: models.Model, rule: Freeze, stored: dict[str, Any] | None, update_fields: Any
) -> bool:
    if stored is None:
        return True  # a new row under a frozen holder
    written = set(update_fields) if update_fields else None
    if rule.every_save:
        status = getattr(obj, "status", None)
        moving = (stored.get("status"), status) in rule.moves
        return not (moving and written and written <= rule.move_fields)
    watched = rule.fields if rule.fields is not None else _content_fields(type(obj))
    names = {f.attname: f.name for f in type(obj)._meta.concrete_fields}
    return any(
        stored[f] != getattr(obj, f)
        for f in watched
        if written is None or f in written or names.get(f) in written
    )


def check_save(obj: models.Model, update_fields: Any = None) -> None:
    """Raise :class:`FrozenError` if saving ``obj`` would change or add to something frozen."""
    rules = _rules(type(obj))
    if not rules:
        return
    stored = _stored(obj)
    for rule in rules:
        holder = _holder(obj, rule, stored)
        if holder is not None and _refuses(obj, rule, stored, update_fields):
            raise rule.error(obj, holder)


def check_delete(obj: models.Model) -> None:
    """Raise :class:`FrozenError` if ``obj`` is frozen and its rules refuse deletion."""
    stored = _stored(obj)
    for rule in _rules(type(obj)):
        if rule.refuse_delete:
            holder = _holder(obj, rule, stored)
            if holder is not None:
                raise rule.error(obj, holder)


def _check_rows(queryset: models.QuerySet[Any], rule: Freeze) -> None:
    row = queryset.filter(rule.on_row()).order_by("pk").first()
    if row is not None:
        raise rule.error(row, _holder(row, rule, _stored(row)) or row)


def check_queryset_delete(queryset: models.QuerySet[Any]) -> None:
    """Raise :class:`FrozenError` if a queryset delete would remove a frozen row."""
    if _discarding.get():
        return
    for rule in _rules(queryset.model):
        if rule.refuse_delete:
            _check_rows(queryset, rule)


def check_queryset_update(queryset: models.QuerySet[Any], values: dict[str, Any]) -> None:
    """Raise :class:`FrozenError` if a queryset update would change a frozen row or move rows
    under a frozen holder."""
    model = queryset.model
    written = {model._meta.get_field(name).attname for name in values}
    written |= set(values)
    for rule in _rules(model):
        if rule.every_save:
            targets = [a for a, b in rule.moves if b == values.get("status")]
            if "status" in values and written <= rule.move_fields:
                _check_rows(queryset.exclude(status__in=targets), rule)
            else:
                _check_rows(queryset, rule)
        else:
            watched = set(rule.fields if rule.fields is not None else _content_fields(model))
            if watched & written:
                _check_rows(queryset, rule)
        first = rule.via.partition("__")[0]
        if rule.via and first in values:
            _check_new_holder(model, rule, first, values[first])


def _check_new_holder(model: type[models.Model], rule: Freeze, name: str, value: Any) -> None:
    probe = model(**{name: value})
    holder = _holder(probe, rule, None)
    if holder is not None:
        raise rule.error(probe, holder)


def check_links(owners: Iterable[models.Model] | models.QuerySet[Any]) -> None:
    """Raise :class:`FrozenError` if any of ``owners`` (the model that declares a many-to-many
    field) is frozen: its links are part of its content."""
    for owner in owners:
        stored = _stored(owner)
        for rule in _rules(type(owner)):
            holder = _holder(owner, rule, stored)
            if holder is not None:
                raise rule.error(owner, holder)


def guard_links(field: Any) -> None:
    """Refuse adding, removing or clearing links of ``field`` (a many-to-many field) while the
    row that declares it is frozen, from either side of the relation."""
    owner_model = field.model

    def refuse(
        sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
    ) -> None:
        if action not in ("pre_add", "pre_remove", "pre_clear"):
            return
        if not reverse:
            owners: Any = [instance]
        elif pk_set:
            owners = owner_model._base_manager.filter(pk__in=pk_set)
        else:
            owners = owner_model._base_manager.filter(**{field.name: instance})
        check_links(owners)

    models.signals.m2m_changed.connect(
        refuse, sender=field.remote_field.through, dispatch_uid=f"freezing-{field}", weak=False
    )


_M = TypeVar("_M", bound=models.Model)


class FreezableQuerySet(models.QuerySet[_M]):
    """The freeze holds for the queryset paths that skip ``save()`` and ``delete()`` too."""

    def update(self, **kwargs: Any) -> int:
        check_queryset_update(self, kwargs)
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        check_queryset_delete(self)
        return super().delete()

    def bulk_update(
        self, objs: Iterable[_M], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        objs, fields = list(objs), list(fields)
        for obj in objs:
            check_save(obj, update_fields=list(fields))
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def bulk_create(self, objs: Iterable[_M], *args: Any, **kwargs: Any) -> list[_M]:
        objs = list(objs)
        for obj in objs:
            check_save(obj)
        return super().bulk_create(objs, *args, **kwargs)


class Freezable(models.Model):
    """A model whose rows freeze under the rules registered for it with :func:`freeze`."""

    objects = FreezableQuerySet.as_manager()

    class Meta:
        abstract = True

    def frozen_by(self) -> str | None:
        """The document in force that shows this object, in words, or None."""
        return frozen_by(self)

    def save(self, *args: Any, **kwargs: Any) -> None:
        check_save(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        check_delete(self)
        return super().delete(*args, **kwargs)
