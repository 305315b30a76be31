"""A release's SDMX structure (warehouse/sdmx.py) in; an SDMX-ML 2.1 structure message out (structure.sdmx.xml).

The message holds the agency LMM (in the SDMX agency scheme), the dataflow DF_LMM_OBSERVATIONS, its data structure
definition DSD_LMM_OBSERVATIONS, the concept scheme CS_LMM and every codelist. Artefacts carry the methodology
version and are not final: codelists such as CL_AREA and CL_SOURCE follow the release, which the dataflow names in
its annotations (LMM_RELEASE, LMM_CREATED).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from warehouse.sdmx import AGENCY, AGENCY_NAME, CONCEPT_SCHEME, DATAFLOW, DSD, Code, Codelist, Structure

NS = {
    "mes": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
    "str": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure",
    "com": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MEDIA_TYPE = "application/vnd.sdmx.structure+xml; version=2.1"
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)

# (id, concept name, codelist or text type): the dimensions in key order (SDMX-ML 2.1 puts the time dimension last)
DIMENSIONS = [
    ("INDICATOR", "Indicator", "CL_INDICATOR"),
    ("REF_AREA", "Reference area", "CL_AREA"),
    ("SEX", "Sex", "CL_SEX"),
    ("COUNTERPART_AREA", "Counterpart area (partner country of a corridor; _Z otherwise)", "CL_AREA"),
]
TIME = ("TIME_PERIOD", "Time period (year)")
# (id, concept name, codelist or text type, assignment status, attached to: a dimension id or OBS_VALUE)
ATTRIBUTES = [
    ("UNIT_MEASURE", "Unit of measure", "CL_UNIT_MEASURE", "Mandatory", "INDICATOR"),
    ("UNIT_MULT", "Unit multiplier (power of ten)", "CL_UNIT_MULT", "Mandatory", "INDICATOR"),
    ("OBS_STATUS", "Observation status: E where the publisher's flags say estimated, modelled or imputed",
     "CL_OBS_STATUS", "Mandatory", "OBS_VALUE"),
    ("SOURCE_DETAIL", "Source", "CL_SOURCE", "Mandatory", "OBS_VALUE"),
    ("EVENT_DATE", "Date of a legal event (ratification, signature...), when known", "GregorianDay", "Conditional",
     "OBS_VALUE"),
    ("COMMENT_OBS", "The publisher's per-value flags as key=value;key=value (events: date and note)", "String",
     "Conditional", "OBS_VALUE"),
]  # fmt: skip
MEASURE = ("OBS_VALUE", "Observation value: a number, or for a categorical indicator a code of its value codelist")


def structure_message(structure: Structure) -> bytes:
    root = ET.Element(_q("mes", "Structure"))
    _header(root, structure)
    structures = _sub(root, "mes", "Structures")
    _agencies(_sub(structures, "str", "OrganisationSchemes"))
    _dataflow(_sub(structures, "str", "Dataflows"), structure)
    codelists = _sub(structures, "str", "Codelists")
    for codelist in structure.codelists.values():
        _codelist(codelists, codelist, structure.version)
    _concepts(_sub(structures, "str", "Concepts"), structure.version)
    _data_structure(_sub(structures, "str", "DataStructures"), structure)
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def _sub(parent: ET.Element, prefix: str, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, _q(prefix, name), attrs)
    if text is not None:
        element.text = text
    return element


def _names(parent: ET.Element, names: dict[str, str], tag: str = "Name") -> None:
    for lang, text in names.items():
        _sub(parent, "com", tag, text, **{XML_LANG: lang})


def _maintainable(parent: ET.Element, tag: str, artefact_id: str, version: str) -> ET.Element:
    return _sub(parent, "str", tag, id=artefact_id, agencyID=AGENCY, version=version, isFinal="false")


def _ref(parent: ET.Element, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, "Ref", attrs)  # unqualified, as SDMX-ML 2.1 writes references


def _annotations(parent: ET.Element, notes: tuple[tuple[str, str], ...]) -> None:
    if not notes:
        return
    holder = _sub(parent, "com", "Annotations")
    for kind, title in notes:
        note = _sub(holder, "com", "Annotation")
        _sub(note, "com", "AnnotationTitle", title)
        _sub(note, "com", "AnnotationType", kind)


def _header(root: ET.Element, structure: Structure) -> None:
    header = _sub(root, "mes", "Header")
    _sub(header, "mes", "ID", f"{AGENCY}_STRUCTURE_{structure.release_id}")
    _sub(header, "mes", "Test", "false")
    _sub(header, "mes", "Prepared", structure.created_at)
    sender = _sub(header, "mes", "Sender", id=AGENCY)
    _names(sender, {"en": AGENCY_NAME})


def _agencies(parent: ET.Element) -> None:
    scheme = _sub(parent, "str", "AgencyScheme", id="AGENCIES", agencyID="SDMX", version="1.0", isFinal="false")
    _names(scheme, {"en": "SDMX Agency Scheme"})
    agency = _sub(scheme, "str", "Agency", id=AGENCY)
    _names(agency, {"en": AGENCY_NAME})


def _dataflow(parent: ET.Element, structure: Structure) -> None:
    flow = _maintainable(parent, "Dataflow", DATAFLOW, structure.version)
    _annotations(flow, (("LMM_RELEASE", structure.release_id), ("LMM_CREATED", structure.created_at)))
    _names(flow, {"en": f"{AGENCY_NAME}: observations"})
    _names(flow, {"en": f"Every value of release {structure.release_id}, with its source and flags (methodology "
                        f"{structure.version})."}, "Description")  # fmt: skip
    _ref(_sub(flow, "str", "Structure"), id=DSD, agencyID=AGENCY, version=structure.version,
         package="datastructure", **{"class": "DataStructure"})  # fmt: skip


def _codelist(parent: ET.Element, codelist: Codelist, version: str) -> None:
    element = _maintainable(parent, "Codelist", codelist.id, version)
    _names(element, codelist.names)
    if codelist.description:
        _names(element, {"en": codelist.description}, "Description")
    for code in codelist.codes:
        _code(element, code)


def _code(parent: ET.Element, code: Code) -> None:
    element = _sub(parent, "str", "Code", id=code.id)
    _annotations(element, code.annotations)
    _names(element, code.names)
    _names(element, code.descriptions, "Description")


def _concepts(parent: ET.Element, version: str) -> None:
    scheme = _maintainable(parent, "ConceptScheme", CONCEPT_SCHEME, version)
    _names(scheme, {"en": f"{AGENCY_NAME}: concepts"})
    for concept_id, name, *_ in [*DIMENSIONS, TIME, *ATTRIBUTES, MEASURE]:
        _names(_sub(scheme, "str", "Concept", id=concept_id), {"en": name})


def _data_structure(parent: ET.Element, structure: Structure) -> None:
    dsd = _maintainable(parent, "DataStructure", DSD, structure.version)
    _names(dsd, {"en": f"{AGENCY_NAME}: observations"})
    components = _sub(dsd, "str", "DataStructureComponents")
    dimensions = _sub(components, "str", "DimensionList", id="DimensionDescriptor")
    for position, (concept_id, _, codelist) in enumerate(DIMENSIONS, start=1):
        element = _component(dimensions, "Dimension", concept_id, codelist, structure.version)
        element.set("position", str(position))
    time = _component(dimensions, "TimeDimension", TIME[0], "ObservationalTimePeriod", structure.version)
    time.set("position", str(len(DIMENSIONS) + 1))
    attributes = _sub(components, "str", "AttributeList", id="AttributeDescriptor")
    for concept_id, _, representation, status, attached in ATTRIBUTES:
        element = _component(attributes, "Attribute", concept_id, representation, structure.version)
        element.set("assignmentStatus", status)
        relation = _sub(element, "str", "AttributeRelationship")
        _ref(_sub(relation, "str", "PrimaryMeasure" if attached == MEASURE[0] else "Dimension"), id=attached)
    measures = _sub(components, "str", "MeasureList", id="MeasureDescriptor")
    _component(measures, "PrimaryMeasure", MEASURE[0], "String", structure.version)


def _component(parent: ET.Element, tag: str, concept_id: str, representation: str, version: str) -> ET.Element:
    """A component: its concept, and a codelist (CL_...) or a text type (String, GregorianDay...) as representation."""
    element = _sub(parent, "str", tag, id=concept_id)
    _ref(_sub(element, "str", "ConceptIdentity"), id=concept_id, maintainableParentID=CONCEPT_SCHEME,
         maintainableParentVersion=version, agencyID=AGENCY, package="conceptscheme", **{"class": "Concept"})  # fmt: skip
    local = _sub(element, "str", "LocalRepresentation")
    if representation.startswith("CL_"):
        _ref(_sub(local, "str", "Enumeration"), id=representation, version=version, agencyID=AGENCY,
             package="codelist", **{"class": "Codelist"})  # fmt: skip
    else:
        _sub(local, "str", "TextFormat", textType=representation)
    return element
