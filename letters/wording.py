"""The default wording of every letter, one paragraph a line, from which ``build_templates`` makes the Word
templates shipped in ``letters/templates``. A line starting ``{%p`` is a control paragraph (docxtpl removes
it); ``# `` starts a heading. Plain, kind English that a child or a parent can follow."""

from __future__ import annotations

HEAD = [
    "{{ council.name }}",
    "{%p if council.address %}",
    "{{ council.address }}",
    "{%p endif %}",
    "",
    "{{ complainant.name }}",
    "{%p for line in complainant.address_lines %}",
    "{{ line }}",
    "{%p endfor %}",
    "",
    "{{ today }}",
    "Our reference: {{ reference }}",
    "",
    "{{ complainant.salutation }},",
]
TAIL = [
    "If anything in this letter is unclear, or you would like to talk to us, please contact {{ officer }}"
    "{% if council.phone %} on {{ council.phone }}{% endif %}{% if council.email %} or at {{ council.email }}"
    "{% endif %}, and quote {{ reference }}.",
    "",
    "Yours sincerely,",
    "",
    "{{ officer }}",
    "Complaints team, {{ council.name }}",
]
OMBUDSMAN = [
    "If you are not happy with how we have dealt with your complaint, you can ask the {{ ombudsman.name }} "
    "to look at it. The Ombudsman is free and independent. Website: {{ ombudsman.website }}. "
    "Telephone: {{ ombudsman.phone }}.",
]
ISSUES = [
    "{%p for issue in issues %}",
    "{{ issue.number }}. {{ issue.text }}",
    "{%p endfor %}",
]
FINDINGS = [
    "{%p if issues %}",
    "These are the things you raised with us, and what we found about each:",
    "{%p for issue in issues %}",
    "{{ issue.number }}. {{ issue.text }}: {{ issue.finding }}.",
    "{%p endfor %}",
    "{%p elif stage.outcome %}",
    "We looked into everything you raised. Our finding: your complaint is {{ stage.outcome }}.",
    "{%p endif %}",
]
ACTIONS = [
    "{%p if actions %}",
    "What we will do",
    "{%p for action in actions %}",
    "{{ action.number }}. {{ action.text }}{% if action.due %} (by {{ action.due }}){% endif %}",
    "{%p endfor %}",
    "{%p endif %}",
]

BODIES: dict[str, list[str]] = {
    "acknowledgement": [
        "# We have received your complaint",
        "Thank you for contacting us on {{ received }}. We are sorry that you have had reason to complain, and "
        "we will look into it carefully.",
        "Your complaint is being looked after by {{ officer }}. Your reference number is {{ reference }}: "
        "please use it whenever you contact us.",
        "We will send you our response by {{ response_due }}.",
        "{%p if child.is_complainant %}",
        "You can have an advocate: someone on your side who helps you say what you want to say, and who does "
        "not work for us. To ask for one, contact {{ council.advocacy }}, or tell us and we will arrange it.",
        "{%p elif child.name %}",
        "{{ child.name }} can have an advocate: someone on their side who helps them say what they want to say, "
        "and who does not work for us. To ask for one, contact {{ council.advocacy }}, or tell us and we will "
        "arrange it.",
        "{%p endif %}",
    ],
    "extension": [
        "# We need a little more time",
        "We are writing about your complaint, reference {{ reference }}, which we received on {{ received }}.",
        "We are sorry, but we need more time to answer it properly: we want to be sure we have looked at "
        "everything you raised{% if stage.extension_reason %} ({{ stage.extension_reason }}){% endif %}.",
        "We will now send you our response by {{ extended_date }}.",
        "{%p if kind == 'Corporate' %}",
        *OMBUDSMAN,
        "{%p endif %}",
    ],
    "stage1-response": [
        "# Our response to your complaint",
        "Thank you for your patience while we looked into your complaint, reference {{ reference }}.",
        *FINDINGS,
        *ACTIONS,
        "If you are not happy with this response, you can ask for your complaint to be looked at again by "
        "someone independent (Stage 2). Please tell us by {{ stage2_request_by }}, by letter, email or phone.",
    ],
    "stage2-statement": [
        "# Your Stage 2 complaint: what will be investigated",
        "We have agreed to investigate your complaint, reference {{ reference }}, at Stage 2.",
        "These are the things we understand you want us to look into. Please check them and tell us if "
        "anything is missing or not quite right:",
        *ISSUES,
        "Your complaint will be investigated by {{ stage.investigating_officer or 'an Investigating Officer' }}"
        ", and {{ stage.independent_person or 'an Independent Person' }} will make sure it is done fairly.",
        "We will send you our response by {{ response_due }}.",
    ],
    "stage2-declined": [
        "# Your request for a Stage 2 investigation",
        "Thank you for asking for your complaint, reference {{ reference }}, to be investigated at Stage 2.",
        "We are sorry, but we have decided not to investigate it at Stage 2. This is why: {{ stage2.reason }}",
        *OMBUDSMAN,
    ],
    "stage2-adjudication": [
        "# The outcome of the Stage 2 investigation",
        "The investigation into your complaint, reference {{ reference }}, has finished. We have read the "
        "investigator's report.",
        *FINDINGS,
        *ACTIONS,
        "If you are still not happy, you can ask for a review panel (Stage 3) to look at your complaint. "
        "Please tell us by {{ stage3_request_by }}.",
    ],
    "stage3-panel-invitation": [
        "# Invitation to the review panel",
        "You asked for a review panel to look at your complaint, reference {{ reference }}.",
        "The panel will meet on {{ panel.date or 'a date we will confirm soon' }}"
        "{% if panel.time %} at {{ panel.time }}{% endif %}{% if panel.place %}, at {{ panel.place }}{% endif %}.",
        "{%p if panel.members %}",
        "The panel members are:",
        "{%p endif %}",
        "{%p for person in panel.members %}",
        "{{ person.name }} ({{ person.role }})",
        "{%p endfor %}",
        "You are welcome to bring someone with you for support, such as a friend, a relative or an advocate.",
    ],
    "stage3-final-response": [
        "# Our final response",
        "The review panel has sent us its findings on your complaint, reference {{ reference }}, and we have "
        "made our decision.",
        *FINDINGS,
        *ACTIONS,
        "This is the end of our complaints procedure. " + OMBUDSMAN[0],
    ],
    "ombudsman-response": [
        "# Your complaint to the Ombudsman",
        "{%p for enquiry in ombudsman_enquiries %}",
        "The {{ ombudsman.name }} contacted us about your complaint on {{ enquiry.received }}.",
        "{%p endfor %}",
        "Our reference is {{ reference }}. We have sent the Ombudsman the information they asked for, and "
        "a copy of our responses to you.",
    ],
    "persistent-procedure": [
        "# How we will keep in touch with you",
        "We are writing about how you contact us. From {{ persistent.start }} we are using our procedure for "
        "persistent contact. You can still raise new concerns and we will still answer them.",
        "Your single point of contact is {{ persistent.contact }}.",
        "What we have agreed: {{ persistent.arrangements }}",
        "We will look at this again by {{ persistent.review }}. If you think it is not fair, you can ask us "
        "to review it sooner by writing to the complaints team.",
    ],
    "member-reply": [
        "# Your enquiry on behalf of a constituent",
        "Thank you for your enquiry of {{ received }}, our reference {{ reference }}.",
        "We have shared personal information in this reply only because your constituent has agreed to it.",
    ],
}


def paragraphs(name: str) -> list[str]:
    """The whole letter ``name``, one paragraph a line."""
    return [*HEAD, "", *BODIES[name], "", *TAIL]
