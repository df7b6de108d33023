"""The sample prospects shipped with the product: personas for the default questionnaire,
as real people would answer. Package data (no Flask): the editor's sample-scoring panel
scores them under the current version and the draft; the tests read them through
tests/personas.py, which adds what each is expected to score.

Each persona is a plain mapping of question id -> answer, in the shapes the scoring
accepts: ``str`` for single, text, long_text, email and date (ISO ``yyyy-mm-dd``),
``int`` for scale (1-5) and number, ``list[str]`` for multi.

Every persona answers every required question that is shown to it (conditional
questions only when their ``show_if`` condition holds), honestly, as that person
would: no persona piles on bad answers to reach a verdict. Each archetype has an
extreme version and a MILD one (the same person, answering in moderation).
"""

from __future__ import annotations


def _like(base: dict[str, object], **changes: object) -> dict[str, object]:
    """A persona that answers as `base` does except for `changes` (None removes)."""
    out = {**base, **changes}
    return {k: v for k, v in out.items() if v is not None}


# --- the partnership the practice sells --------------------------------------------

# The ideal client: ongoing partnership, whole functions, collaborator, sensible
# boundaries, protects time for every level of review.
STRATEGIC_COLLABORATOR: dict[str, object] = {
    "full_name": "Hannah Lindqvist",
    "email": "hannah@lindqvist-advisory.com",
    "business_name": "Lindqvist Advisory",
    "needs_summary": (
        "We have grown from two to four consultants in eighteen months and the admin "
        "has not kept up. I spend most evenings on scheduling, proposals and chasing "
        "invoices. I want someone who can own the back office with me and help us get"
        " our processes in shape before we hire again next year."
    ),
    "engagement": "ongoing",
    "service_areas": [
        "inbox_calendar",
        "client_care",
        "bookkeeping_admin",
        "hiring_onboarding",
        "projects",
        "systems_processes",
        "documents",
    ],
    "monthly_hours": 45,
    "work_mix": "growing",
    "current_help": ["team", "bookkeeper"],
    "stance": "collaborator",
    "authority": ["calendar", "replies", "how_done"],
    "owner_access": "few_times_week",
    "review_cadence": ["weekly", "monthly", "quarterly", "annual"],
    "reply_time": "next_business_day",
    "availability": "office_hours",
    "beyond_scope": "what_i_share",
    "updates": "at_checkins",
    "budget": "2000_4000",
    "start_date": "2027-01-11",
    "consent": ["agree"],
}

# MILD: a smaller collaborator: fewer hours and reviews, likes same-day replies and a
# note at the end of the day. Still the partnership the practice sells.
STEADY_COLLABORATOR: dict[str, object] = {
    "full_name": "Amara Okafor",
    "email": "amara@okaforcounsel.com",
    "business_name": "Okafor Counsel",
    "needs_summary": (
        "I run a two-person employment law practice. Client intake, the diary and "
        "billing take a day a week that I would rather spend on cases."
    ),
    "engagement": "ongoing",
    "service_areas": ["inbox_calendar", "client_care", "bookkeeping_admin"],
    "monthly_hours": 20,
    "work_mix": "routine_and_projects",
    "current_help": ["bookkeeper"],
    "stance": "collaborator",
    "authority": ["calendar", "replies", "how_done"],
    "owner_access": "daily",
    "review_cadence": ["weekly", "monthly"],
    "reply_time": "same_day",
    "availability": "office_hours",
    "beyond_scope": "as_we_go",
    "updates": "daily_note",
    "budget": "1000_2000",
    "consent": ["agree"],
}

# A strong prospect with one mild red flag: hopes for a friend-like closeness.
# Shows that red flags are reported (and weigh a little) without hiding a strong fit.
FRIENDLY_FOUNDER: dict[str, object] = {
    "full_name": "Sofia Marchetti",
    "email": "sofia@studiomarchetti.design",
    "business_name": "Studio Marchetti",
    "needs_summary": (
        "Our studio is busy and the admin lands on me between design work. I would "
        "like a right hand who takes over client onboarding, the studio calendar and "
        "our supplier paperwork, and who helps us plan our first exhibition next "
        "year."
    ),
    "engagement": "ongoing",
    "service_areas": [
        "inbox_calendar",
        "client_care",
        "events",
        "projects",
        "marketing_admin",
        "documents",
    ],
    "monthly_hours": 30,
    "work_mix": "growing",
    "current_help": ["team", "freelancers"],
    "stance": "collaborator",
    "authority": ["calendar", "replies", "spending", "how_done"],
    "owner_access": "daily",
    "review_cadence": ["weekly", "quarterly", "annual"],
    "reply_time": "next_business_day",
    "availability": "agreed_exceptions",
    "beyond_scope": "what_i_share",
    "updates": "friend",
    "budget": "1000_2000",
    "start_date": "2027-01-04",
    "consent": ["agree"],
}

# --- worth a conversation -------------------------------------------------------------

# MILD cautious: a good prospect who is wary of letting go: reasonable on everything,
# keen on updates, starting small; would grow into a partnership with some trust.
SOLID_BUT_CAUTIOUS: dict[str, object] = {
    "full_name": "Daniel Mercer",
    "email": "d.mercer@mercer-tax.com",
    "business_name": "Mercer Tax & Accounts",
    "needs_summary": (
        "Work comes in waves around the tax deadlines and swallows the practice each "
        "time. I would like reliable help with client paperwork and the diary, and to"
        " stop doing my own invoicing, but I have never worked with outside support "
        "before."
    ),
    "engagement": "ongoing",
    "service_areas": [
        "inbox_calendar",
        "client_care",
        "bookkeeping_admin",
        "documents",
    ],
    "monthly_hours": 12,
    "work_mix": "mostly_routine",
    "current_help": ["nobody"],
    "stance": "collaborator",
    "authority": ["calendar"],
    "owner_access": "weekly",
    "review_cadence": ["weekly"],
    "reply_time": "same_day",
    "availability": "office_hours",
    "beyond_scope": "what_i_share",
    "updates": "daily_note",
    "budget": "500_1000",
    "start_date": "2027-02-01",
    "consent": ["agree"],
}

# Extreme cautious: has been let down before; wants to approve each step, hears from
# you every evening, starts with a handful of hours. Still someone to talk to.
ANXIOUS_FIRST_HIRE: dict[str, object] = _like(
    SOLID_BUT_CAUTIOUS,
    full_name="Ruth Abernathy",
    email="ruth@abernathyaudiology.com",
    business_name="Abernathy Audiology",
    needs_summary=(
        "I have tried two virtual assistants and both went quiet on me. The clinic "
        "paperwork still needs doing and I cannot keep doing it at night."
    ),
    service_areas=["inbox_calendar", "client_care", "documents"],
    monthly_hours=10,
    authority=["none"],
    trust_building="Seeing every piece of work before it goes out, for a few months.",
    current_help=["did_not_work"],
    past_help="Two virtual assistants went quiet on me after a few weeks.",
    review_cadence=["weekly", "monthly"],
    owner_access="daily",
)

# MILD tight budget: wants a real partnership and will start small.
MODEST_BUDGET: dict[str, object] = {
    "full_name": "Jess Albright",
    "email": "jess@albrightwellness.com",
    "business_name": "Albright Wellness",
    "needs_summary": (
        "I launched in the spring and I am doing everything myself: bookings, social "
        "posts, newsletters, invoices. I know I need help but money is tight until "
        "the autumn programme fills."
    ),
    "engagement": "ongoing",
    "service_areas": [
        "inbox_calendar",
        "client_care",
        "bookkeeping_admin",
        "marketing_admin",
    ],
    "monthly_hours": 10,
    "work_mix": "mostly_routine",
    "current_help": ["nobody"],
    "stance": "collaborator",
    "authority": ["calendar", "replies"],
    "owner_access": "few_times_week",
    "review_cadence": ["monthly"],
    "reply_time": "same_day",
    "availability": "agreed_exceptions",
    "beyond_scope": "as_we_go",
    "updates": "at_checkins",
    "budget": "500_1000",
    "start_date": "2026-12-15",
    "consent": ["agree"],
}

# Extreme tight budget: wants help with everything, task by task, a handful of hours
# on the smallest budget.
TINY_BUDGET_BUSY: dict[str, object] = _like(
    MODEST_BUDGET,
    engagement="tasks",
    service_areas=[
        "inbox_calendar",
        "client_care",
        "bookkeeping_admin",
        "events",
        "projects",
        "marketing_admin",
        "systems_processes",
        "documents",
    ],
    monthly_hours=6,
    budget="under_500",
)

# --- not what the practice sells ---------------------------------------------------

# Pleasant and organised, but wants one project done and then to part ways.
ONE_OFF_PROJECT: dict[str, object] = {
    "full_name": "Tom Reilly",
    "email": "Tom.Reilly@reillyevents.ie",
    "business_name": "Reilly Events",
    "needs_summary": (
        "We are moving our whole client archive to a new CRM in March and need "
        "someone to clean up and migrate around 3,000 records. Once it is done we are"
        " fine on our own."
    ),
    "engagement": "single_project",
    "project_details": (
        "Clean up and migrate about 3,000 client records to the new CRM, done by the "
        "end of March."
    ),
    "service_areas": ["systems_processes", "documents"],
    "work_mix": "one_piece",
    "current_help": ["team"],
    "stance": "collaborator",
    "authority": ["calendar", "replies", "how_done"],
    "owner_access": "few_times_week",
    "review_cadence": ["weekly"],
    "reply_time": "next_business_day",
    "availability": "office_hours",
    "beyond_scope": "what_i_share",
    "updates": "at_checkins",
    "start_date": "2027-03-01",
    "consent": ["agree"],
}

# MILD: the same project, but "not sure yet" about the arrangement: the project shows
# in the other answers (one piece of work with a finish date, no regular reviews).
PROJECT_NOT_SURE: dict[str, object] = _like(
    ONE_OFF_PROJECT,
    engagement="not_sure",
    project_details=None,
    monthly_hours=30,
    review_cadence=["none"],
    budget="1000_2000",
)

# Wants ongoing help, but as an instruction-taker on individual tasks, checking each
# step, with no regular check-ins: a secretarial-service buyer.
PAIR_OF_HANDS: dict[str, object] = {
    "full_name": "Gerald Whitcombe",
    "email": "gerald@whitcombeplumbing.co.uk",
    "business_name": "Whitcombe & Sons Plumbing",
    "needs_summary": (
        "The office manager retired and the paperwork is backing up: quotes, job "
        "sheets, supplier invoices. I need someone to type things up and send them "
        "out."
    ),
    "engagement": "tasks",
    "service_areas": ["inbox_calendar", "bookkeeping_admin", "documents"],
    "monthly_hours": 12,
    "work_mix": "mostly_routine",
    "current_help": ["team", "bookkeeper"],
    "stance": "pair_of_hands",
    "authority": ["none"],
    "trust_building": (
        "Doing things the way I have always done them, for a good while first."
    ),
    "owner_access": "weekly",
    "review_cadence": ["none"],
    "reply_time": "same_day",
    "availability": "office_hours",
    "beyond_scope": "as_we_go",
    "updates": "when_done",
    "budget": "500_1000",
    "consent": ["agree"],
}

# MILD: the same owner answering in moderation: ongoing support, a monthly look ahead,
# some room to act; but decisions stay with him and work is handed over task by task.
PAIR_OF_HANDS_MILD: dict[str, object] = _like(
    PAIR_OF_HANDS,
    full_name="Linda Carver",
    email="linda@carverjoinery.co.uk",
    business_name="Carver Joinery",
    authority=["calendar"],
    trust_building=None,
    review_cadence=["monthly"],
    monthly_hours=15,
)

# Easy to work with, but only wants someone to call on now and then, with a tiny
# budget: a poor fit however pleasant.
OCCASIONAL_HELPER: dict[str, object] = {
    "full_name": "Priya Natarajan",
    "email": "hello@priyanatarajanphoto.com",
    "business_name": "Priya Natarajan Photography",
    "needs_summary": (
        "Wedding season gets hectic and a few times a year I could use someone to "
        "sort out contracts and reply to enquiries while I am shooting."
    ),
    "engagement": "occasional",
    "service_areas": ["client_care", "documents"],
    "monthly_hours": 4,
    "work_mix": "mostly_routine",
    "current_help": ["nobody"],
    "stance": "collaborator",
    "authority": ["calendar", "replies", "how_done"],
    "owner_access": "weekly",
    "review_cadence": ["none"],
    "reply_time": "two_business_days",
    "availability": "office_hours",
    "beyond_scope": "what_i_share",
    "updates": "when_done",
    "budget": "under_500",
    "consent": ["agree"],
}

# MILD: the same photographer, a little more generous: 10 hours in a busy month, a
# monthly catch-up, a modest budget. Help now and then is still what she wants.
OCCASIONAL_MILD: dict[str, object] = _like(
    OCCASIONAL_HELPER,
    full_name="Marta Kowalski",
    email="marta@kowalskiframes.com",
    business_name="Kowalski Frames",
    service_areas=["inbox_calendar", "client_care", "documents"],
    monthly_hours=10,
    review_cadence=["monthly"],
    owner_access="few_times_week",
    budget="500_1000",
)

# Plenty of work and budget, but wants a helper on call at all hours, who knows
# everything without being told and reassures them through the day.
NEEDY_ALWAYS_ON: dict[str, object] = {
    "full_name": "Brooke Sandoval",
    "email": "brooke@brightpathcoaching.co",
    "business_name": "Brightpath Coaching",
    "needs_summary": (
        "My programme has taken off and I am drowning. Clients message me at all "
        "hours and I need someone who is just there, who knows what is going on "
        "without me having to explain it every time."
    ),
    "engagement": "ongoing",
    "service_areas": [
        "inbox_calendar",
        "client_care",
        "events",
        "marketing_admin",
        "documents",
    ],
    "monthly_hours": 60,
    "work_mix": "routine_and_projects",
    "current_help": ["freelancers", "did_not_work"],
    "past_help": (
        "My last assistant only worked office hours and I felt completely on my own "
        "with it in the evenings."
    ),
    "stance": "collaborator",
    "authority": ["calendar", "replies"],
    "owner_access": "daily",
    "review_cadence": ["weekly", "monthly"],
    "reply_time": "within_hour",
    "availability": "any_time",
    "after_hours_detail": (
        "Clients in other time zones book calls late at night and I often think of "
        "things at 11pm that I want sorted before the morning."
    ),
    "weekends": "yes",
    "beyond_scope": "keep_up",
    "updates": "reassurance",
    "budget": "2000_4000",
    "start_date": "2026-12-01",
    "consent": ["agree"],
}

# MILD: the same coach answering in moderation: same-day replies, office hours with
# agreed exceptions; but she still hopes for a friend who keeps up without being told.
NEEDY_MILD: dict[str, object] = _like(
    NEEDY_ALWAYS_ON,
    full_name="Chloe Brennan",
    email="chloe@brennanyoga.com",
    business_name="Brennan Yoga",
    reply_time="within_hour",
    availability="agreed_exceptions",
    after_hours_detail=None,
    weekends=None,
    updates="friend",
)

# Wants a capable partner and will pay for it, but wants them to decide everything,
# steps back entirely, is often out of reach and keeps no regular reviews:
# abdication, the other unwanted pole beside the pair of hands.
HANDS_OFF_EXECUTIVE: dict[str, object] = {
    "full_name": "Marcus Oyelaran",
    "email": "marcus@oyelaran-partners.com",
    "business_name": "Oyelaran Partners",
    "needs_summary": (
        "I spend most of the year travelling to client sites. I need someone to run "
        "the office side without me: diary, travel, invoicing, proposals. I would "
        "rather not be involved in how it is done."
    ),
    "engagement": "ongoing",
    "service_areas": [
        "inbox_calendar",
        "bookkeeping_admin",
        "events",
        "documents",
        "research",
    ],
    "monthly_hours": 40,
    "work_mix": "routine_and_projects",
    "current_help": ["bookkeeper", "agency"],
    "stance": "expert",
    "authority": ["calendar", "replies", "spending", "how_done"],
    "owner_access": "hard_to_reach",
    "review_cadence": ["none"],
    "reply_time": "two_business_days",
    "availability": "office_hours",
    "beyond_scope": "as_we_go",
    "updates": "when_done",
    "budget": "over_4000",
    "consent": ["agree"],
}

# MILD: the same executive answering in moderation: fewer hours, reachable about once
# a week, but handing everything over to be decided without her, with no regular
# reviews.
HANDS_OFF_MILD: dict[str, object] = _like(
    HANDS_OFF_EXECUTIVE,
    full_name="Ingrid Falk",
    email="ingrid@falkadvisory.se",
    business_name="Falk Advisory",
    monthly_hours=30,
    owner_access="weekly",
    review_cadence=["none"],
    budget="2000_4000",
)

PERSONAS: dict[str, dict[str, object]] = {
    "strategic_collaborator": STRATEGIC_COLLABORATOR,
    "steady_collaborator": STEADY_COLLABORATOR,
    "friendly_founder": FRIENDLY_FOUNDER,
    "solid_but_cautious": SOLID_BUT_CAUTIOUS,
    "anxious_first_hire": ANXIOUS_FIRST_HIRE,
    "modest_budget": MODEST_BUDGET,
    "tiny_budget_busy": TINY_BUDGET_BUSY,
    "one_off_project": ONE_OFF_PROJECT,
    "project_not_sure": PROJECT_NOT_SURE,
    "pair_of_hands": PAIR_OF_HANDS,
    "pair_of_hands_mild": PAIR_OF_HANDS_MILD,
    "occasional_helper": OCCASIONAL_HELPER,
    "occasional_mild": OCCASIONAL_MILD,
    "needy_always_on": NEEDY_ALWAYS_ON,
    "needy_mild": NEEDY_MILD,
    "hands_off_executive": HANDS_OFF_EXECUTIVE,
    "hands_off_mild": HANDS_OFF_MILD,
}
