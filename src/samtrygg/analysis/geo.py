"""Projections to a metric CRS: SWEREF 99 TM inside Sweden, the local UTM zone elsewhere.

All distances, grids and kernels are computed in metres; lon/lat is only for storage and display.
"""

from __future__ import annotations

import warnings

import numpy as np
import numpy.typing as npt
from pyproj import CRS, Transformer

from samtrygg.analysis.errors import InputError

__all__ = [
    "SWEREF99TM",
    "WGS84",
    "auto_metric_crs",
    "check_metric_crs",
    "to_lonlat",
    "to_metric",
]

SWEREF99TM = 3006
WGS84 = 4326

# Sweden's extent with a margin; points inside it are projected to SWEREF 99 TM.
_SWEDEN_BOUNDS = (10.0, 55.0, 24.5, 69.5)


def auto_metric_crs(lon: npt.ArrayLike, lat: npt.ArrayLike) -> int:
    """Choose the metric CRS for points given in WGS 84.

    Parameters
    ----------
    lon, lat : array_like
        Longitudes and latitudes in degrees.

    Returns
    -------
    int
        EPSG:3006 when the centroid lies in Sweden, otherwise the WGS 84 UTM zone of the
        centroid (with the Norway and Svalbard exceptions, as sfhotspot ``st_transform_auto``).

    Examples
    --------
    >>> auto_metric_crs([14.52], [59.33])
    3006
    >>> auto_metric_crs([-89.96], [35.12])
    32616
    """
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    if lon_a.size == 0:
        raise InputError("There are no points to choose a coordinate system for.")
    clon, clat = float(np.mean(lon_a)), float(np.mean(lat_a))
    west, south, east, north = _SWEDEN_BOUNDS
    if west <= clon <= east and south <= clat <= north:
        return SWEREF99TM
    zone = int(np.floor((clon + 180.0) / 6.0)) + 1
    if 56.0 <= clat < 64.0 and 3.0 <= clon < 12.0:
        zone = 32
    elif 72.0 <= clat < 84.0 and clon >= 0.0:
        if clon < 9.0:
            zone = 31
        elif clon < 21.0:
            zone = 33
        elif clon < 33.0:
            zone = 35
        elif clon < 42.0:
            zone = 37
    zone = min(max(zone, 1), 60)
    epsg = (32600 if clat >= 0 else 32700) + zone
    central = -183.0 + 6.0 * zone
    if np.any(np.abs(lon_a - central) > 4.0):
        warnings.warn(
            f"Some points lie more than 1 degree outside UTM zone {zone} (EPSG:{epsg}); "
            "distances there are distorted. Name a projected CRS with --crs if this matters.",
            stacklevel=2,
        )
    return epsg


def check_metric_crs(crs: int | str) -> int:
    """Return the EPSG code of ``crs`` after checking that it is projected and in metres.

    Examples
    --------
    >>> check_metric_crs("EPSG:3006")
    3006
    """
    try:
        parsed = CRS.from_user_input(crs)
    except Exception as exc:  # pyproj raises its own CRSError; say it plainly.
        raise InputError(f"The coordinate system {crs!r} is unknown; give an EPSG code.") from exc
    if not parsed.is_projected:
        raise InputError(
            f"The coordinate system {crs!r} is not projected; distances need metres "
            "(for Sweden use EPSG:3006)."
        )
    unit = parsed.axis_info[0].unit_name if parsed.axis_info else ""
    if unit not in ("metre", "meter"):
        raise InputError(
            f"The coordinate system {crs!r} measures in {unit or 'unknown units'}, not metres; "
            "choose a metric CRS such as EPSG:3006."
        )
    epsg = parsed.to_epsg()
    if epsg is None:
        raise InputError(f"The coordinate system {crs!r} has no EPSG code; give one.")
    return int(epsg)


def to_metric(
    lon: npt.ArrayLike, lat: npt.ArrayLike, crs: int | None = None
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], int]:
    """Project WGS 84 lon/lat to a metric CRS.

    Parameters
    ----------
    lon, lat : array_like
        Degrees, WGS 84.
    crs : int, optional
        Target EPSG code; chosen by :func:`auto_metric_crs` when omitted.

    Returns
    -------
    x, y : ndarray
        Metres in the target CRS.
    crs : int
        The EPSG code used.

    Examples
    --------
    >>> x, y, crs = to_metric([15.0], [59.0])
    >>> crs, round(float(x[0]))
    (3006, 500000)
    """
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    target = auto_metric_crs(lon_a, lat_a) if crs is None else check_metric_crs(crs)
    transformer = Transformer.from_crs(WGS84, target, always_xy=True)
    x, y = transformer.transform(lon_a, lat_a)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float), target


def to_lonlat(
    x: npt.ArrayLike, y: npt.ArrayLike, crs: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Project metric coordinates back to WGS 84 lon/lat.

    Examples
    --------
    >>> lon, lat = to_lonlat([500000.0], [6540000.0], 3006)
    >>> round(float(lon[0]), 6)
    15.0
    """
    transformer = Transformer.from_crs(crs, WGS84, always_xy=True)
    lon, lat = transformer.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
