"""The controlled vocabularies of the domain, as used in the case register and the figures."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """Kinds of representation."""

    STATUTORY = "statutory"
    CORPORATE = "corporate"
    CONCERN = "concern"
    MP_ENQUIRY = "mp_enquiry"
    COUNCILLOR_ENQUIRY = "councillor_enquiry"
    COMPLIMENT = "compliment"
    COMMENT = "comment"
    REFERRED_ELSEWHERE = "referred_elsewhere"

    @property
    def is_complaint(self) -> bool:
        return self in COMPLAINT_KINDS

    @property
    def has_clock(self) -> bool:
        """Whether the council owes a response against a deadline."""
        return self not in NO_CLOCK_KINDS

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


#: The kinds that are complaints, each with a procedure of stages, as stored (a stage's procedure is its kind).
COMPLAINT_KINDS = (Kind.STATUTORY.value, Kind.CORPORATE.value)
#: The kinds the council owes no response to, against no deadline: closed on receipt, without a stage.
NO_CLOCK_KINDS = (Kind.COMPLIMENT.value, Kind.REFERRED_ELSEWHERE.value)
#: The kinds answered by one response against a deadline, with no further stages.
ENQUIRY_KINDS = tuple(k.value for k in Kind if k.value not in COMPLAINT_KINDS + NO_CLOCK_KINDS)
#: Complaints and concerns: the kinds that raise themes, and whose people count as repeat complainants.
COMPLAINTS_AND_CONCERNS = (*COMPLAINT_KINDS, Kind.CONCERN.value)

KIND_LABELS = {
    Kind.STATUTORY: "Statutory",
    Kind.CORPORATE: "Corporate",
    Kind.CONCERN: "Concern",
    Kind.MP_ENQUIRY: "MP enquiry",
    Kind.COUNCILLOR_ENQUIRY: "Cllr enquiry",
    Kind.COMPLIMENT: "Compliment",
    Kind.COMMENT: "Comment",
    Kind.REFERRED_ELSEWHERE: "Referred elsewhere",
}


class Channel(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    LETTER = "letter"
    WEB_FORM = "web_form"
    COMPLAINT_FORM = "complaint_form"
    IN_PERSON = "in_person"
    MEETING = "meeting"
    ADVOCATE = "advocate"
    APP = "app"
    TEXT = "text"
    OTHER = "other"


class Outcome(StrEnum):
    UPHELD = "upheld"
    PARTIALLY_UPHELD = "partially_upheld"
    NOT_UPHELD = "not_upheld"
    NOT_DETERMINED = "not_determined"
    WITHDRAWN = "withdrawn"
    OUTSIDE_REMIT = "outside_remit"
    NOT_QUALIFIED = "not_qualified"
    LEGAL_PROCEEDINGS = "legal_proceedings"
    REFERRED_ELSEWHERE = "referred_elsewhere"
    NOT_PURSUED = "not_pursued"


#: The outcomes a finding on one issue of a complaint can have: the one list of them, for the forms, the
#: register, the figures and the demo data.
FINDINGS = (Outcome.UPHELD, Outcome.PARTIALLY_UPHELD, Outcome.NOT_UPHELD, Outcome.NOT_DETERMINED)
FINDING_NAMES = tuple(f.value for f in FINDINGS)
#: The outcomes that uphold a complaint, in whole or in part.
UPHELD_OUTCOMES = (Outcome.UPHELD.value, Outcome.PARTIALLY_UPHELD.value)
#: The outcomes that decide a complaint on its merits.
DECIDED_OUTCOMES = (*UPHELD_OUTCOMES, Outcome.NOT_UPHELD.value)


class ComplainantGroup(StrEnum):
    CHILD = "child"
    PARENT = "parent"
    RELATIVE = "relative"
    FOSTER_CARER = "foster_carer"
    ADOPTER = "adopter"
    SPECIAL_GUARDIAN = "special_guardian"
    PROFESSIONAL = "professional"
    OTHER = "other"


class ChildStatus(StrEnum):
    CIN = "cin"
    CP = "cp"
    CLA = "cla"
    CARE_LEAVER = "care_leaver"
    DISABLED = "disabled"
    SEND = "send"
    EARLY_HELP = "early_help"
    OTHER = "other"


class Advocate(StrEnum):
    NYAS = "nyas"
    OTHER = "other"


class IndependentRole(StrEnum):
    """Roles of people independent of the council."""

    INVESTIGATING_OFFICER = "investigating_officer"
    INDEPENDENT_PERSON = "independent_person"
    PANEL_CHAIR = "panel_chair"
    PANELLIST = "panellist"

    @property
    def stage(self) -> int:
        """The stage at which this role is assigned."""
        return 2 if self in (IndependentRole.INVESTIGATING_OFFICER, IndependentRole.INDEPENDENT_PERSON) else 3


class LgoEnquiryType(StrEnum):
    INITIAL_ASSESSMENT = "initial_assessment"
    PREMATURE = "premature"
    DETAILED_INVESTIGATION = "detailed_investigation"
    REPORT = "report"


class LgoDecision(StrEnum):
    CLOSED_AFTER_INITIAL_ENQUIRIES = "closed_after_initial_enquiries"
    INVALID = "invalid"
    PREMATURE = "premature"
    OUTSIDE_JURISDICTION = "outside_jurisdiction"
    INVESTIGATED_FAULT = "investigated_fault"
    INVESTIGATED_NO_FAULT = "investigated_no_fault"


class Remedy(StrEnum):
    APOLOGY = "apology"
    PAYMENT = "payment"
    REVIEW = "review"
    ACTIONS = "actions"


class NoteKind(StrEnum):
    """What a contact-log note records."""

    PHONE = "phone"
    EMAIL = "email"
    LETTER = "letter"
    MEETING = "meeting"
    VISIT = "visit"
    NOTE = "note"


class Direction(StrEnum):
    """Whether a contact came in to the council or went out from it."""

    IN = "in"
    OUT = "out"


class PreferredContact(StrEnum):
    """How a complainant asks to be reached."""

    EMAIL = "email"
    PHONE = "phone"
    LETTER = "letter"
    TEXT = "text"


class PersistentOutcome(StrEnum):
    """What a review of the persistent-complaints procedure decided."""

    CONTINUE = "continue"
    VARY = "vary"
    END = "end"


class Role(StrEnum):
    """What a user of the tool may do."""

    OFFICER = "officer"
    MANAGER = "manager"
    AUDITOR = "auditor"


#: What a person reads for each value of the fixed vocabularies (kinds, channels, groups, child statuses,
#: advocates, outcomes and findings, independent roles, the Ombudsman's types, decisions and remedies).
#: Every screen, message and report shows these, never the stored value ("mp_enquiry", "early_help").
DISPLAY: dict[str, str] = {
    **{k.value: v for k, v in KIND_LABELS.items()}, Kind.MP_ENQUIRY: "MP enquiry",
    Kind.COUNCILLOR_ENQUIRY: "Councillor enquiry",
    Channel.EMAIL: "Email", Channel.PHONE: "Phone", Channel.LETTER: "Letter", Channel.WEB_FORM: "Web form",
    Channel.COMPLAINT_FORM: "Complaint form", Channel.IN_PERSON: "In person", Channel.MEETING: "Meeting",
    Channel.ADVOCATE: "Advocate", Channel.APP: "App", Channel.TEXT: "Text message", Channel.OTHER: "Other",
    Outcome.UPHELD: "Upheld", Outcome.PARTIALLY_UPHELD: "Partially upheld", Outcome.NOT_UPHELD: "Not upheld",
    Outcome.NOT_DETERMINED: "Not determined", Outcome.WITHDRAWN: "Withdrawn",
    Outcome.OUTSIDE_REMIT: "Outside the remit", Outcome.NOT_QUALIFIED: "Did not qualify (advice)",
    Outcome.LEGAL_PROCEEDINGS: "Legal proceedings pending", Outcome.REFERRED_ELSEWHERE: "Referred elsewhere",
    Outcome.NOT_PURSUED: "Not pursued",
    ComplainantGroup.CHILD: "Child or young person", ComplainantGroup.PARENT: "Parent or step-parent",
    ComplainantGroup.RELATIVE: "Other relative", ComplainantGroup.FOSTER_CARER: "Foster carer",
    ComplainantGroup.ADOPTER: "Adopter", ComplainantGroup.SPECIAL_GUARDIAN: "Special guardian",
    ComplainantGroup.PROFESSIONAL: "Professional",
    ChildStatus.CIN: "Child in need", ChildStatus.CP: "Child protection", ChildStatus.CLA: "Looked after",
    ChildStatus.CARE_LEAVER: "Care leaver", ChildStatus.DISABLED: "Disabled", ChildStatus.SEND: "SEND",
    ChildStatus.EARLY_HELP: "Early help",
    Advocate.NYAS: "NYAS",
    IndependentRole.INVESTIGATING_OFFICER: "Investigating officer",
    IndependentRole.INDEPENDENT_PERSON: "Independent person", IndependentRole.PANEL_CHAIR: "Panel chair",
    IndependentRole.PANELLIST: "Panellist",
    LgoEnquiryType.INITIAL_ASSESSMENT: "Initial assessment", LgoEnquiryType.PREMATURE: "Premature",
    LgoEnquiryType.DETAILED_INVESTIGATION: "Detailed investigation", LgoEnquiryType.REPORT: "Report",
    LgoDecision.CLOSED_AFTER_INITIAL_ENQUIRIES: "Closed after initial enquiries",
    LgoDecision.INVALID: "Invalid or incomplete", LgoDecision.OUTSIDE_JURISDICTION: "Outside jurisdiction",
    LgoDecision.INVESTIGATED_FAULT: "Investigated: fault found",
    LgoDecision.INVESTIGATED_NO_FAULT: "Investigated: no fault",
    Remedy.APOLOGY: "Apology", Remedy.PAYMENT: "Payment", Remedy.REVIEW: "Review", Remedy.ACTIONS: "Actions",
    NoteKind.VISIT: "Visit", NoteKind.NOTE: "Note",  # phone, email, letter, meeting: as the channels
    Direction.IN: "In", Direction.OUT: "Out",
    PersistentOutcome.CONTINUE: "Continue", PersistentOutcome.VARY: "Vary the arrangements",
    PersistentOutcome.END: "End the procedure",
}


class Exclusion(StrEnum):
    """Why a contact was not accepted as a complaint (the Complaint Handling Code's exclusions)."""

    SERVICE_REQUEST = "service_request"
    LEGAL_PROCEEDINGS = "legal_proceedings"
    OVER_12_MONTHS = "over_12_months"
    OTHER_ROUTE = "other_route"
    ALREADY_CONSIDERED = "already_considered"
    OUTSIDE_REMIT = "outside_remit"
    OTHER = "other"


class CodeSection(StrEnum):
    """The sections of the Complaint Handling Code a year's self-assessment covers."""

    DEFINITIONS = "definitions"
    EXCLUSIONS = "exclusions"
    ACCESSIBILITY = "accessibility"
    RESOURCES = "resources"
    PROCESS = "process"
    STAGES = "stages"
    PUTTING_RIGHT = "putting_right"
    SELF_ASSESSMENT = "self_assessment"
    SCRUTINY = "scrutiny"


class Compliance(StrEnum):
    """How far a section of the Code is complied with (not "yes"/"no": those words already show as themselves)."""

    COMPLIES = "complies"
    PARTLY = "partly"
    DOES_NOT_COMPLY = "does_not_comply"


DISPLAY.update({
    Exclusion.SERVICE_REQUEST: "A service request", Exclusion.LEGAL_PROCEEDINGS: "Legal proceedings",
    Exclusion.OVER_12_MONTHS: "Over 12 months old", Exclusion.OTHER_ROUTE: "Another appeal route",
    Exclusion.ALREADY_CONSIDERED: "Already considered",  # outside_remit: as the outcome, "Outside the remit"
    CodeSection.DEFINITIONS: "Definitions", CodeSection.EXCLUSIONS: "Exclusions",
    CodeSection.ACCESSIBILITY: "Accessibility and awareness", CodeSection.RESOURCES: "Complaint-handling resources",
    CodeSection.PROCESS: "The process", CodeSection.STAGES: "The stages", CodeSection.PUTTING_RIGHT:
    "Putting things right", CodeSection.SELF_ASSESSMENT: "Self-assessment and reporting",
    CodeSection.SCRUTINY: "Scrutiny and oversight",
    Compliance.COMPLIES: "Complies", Compliance.PARTLY: "Partly", Compliance.DOES_NOT_COMPLY: "Does not comply",
})


def label(value: str | None, blank: str = "") -> str:
    """The display name of a vocabulary value; ``blank`` for none; a council's own name as recorded.

    A stored value outside the vocabulary (an older database's, or a list entry) is shown readably
    rather than with its underscores.
    """
    if value is None or value == "":
        return blank
    return DISPLAY.get(value) or (value.replace("_", " ").capitalize() if value.islower() and "_" in value
                                  else value)


def display_value(text: str | None) -> str:
    """A value from the audit trail as a person reads it: an ISO date as a UK one, a vocabulary value by
    its display name, nothing as '(none)'; anything else as recorded."""
    if text is None or text == "":
        return "(none)"
    if len(text) == 10 and text[4] == text[7] == "-" and text[:4].isdigit():
        return f"{text[8:10]}/{text[5:7]}/{text[:4]}"
    return DISPLAY.get(text, text)


def parse_choice(enum: type[StrEnum], value: str, what: str) -> StrEnum:
    """The member of ``enum`` spelled ``value``, or a ValueError listing the allowed values."""
    cleaned = value.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return enum(cleaned)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise ValueError(f"{what} {value!r} is not one of: {allowed}") from None
