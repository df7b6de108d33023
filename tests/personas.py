"""Contrasting prospect personas for the default questionnaire.

Each persona is a plain mapping of question id -> answer, in the shapes the scoring
accepts: ``str`` for single, text, long_text, email and date (ISO ``yyyy-mm-dd``),
``int`` for scale (1-5) and number, ``list[str]`` for multi.

Every persona answers every required question that is shown to it (conditional
questions only when their ``show_if`` condition holds). ``EXPECTED_VERDICT`` is the
verdict each persona was designed to receive under ``intake/questionnaire/default.toml``
(version 2026.11); if the points in that file change, re-check these.
"""

from __future__ import annotations

# The ideal client: ongoing partnership, whole functions, collaborator, sensible
# boundaries, protects time for every level of review.
STRATEGIC_COLLABORATOR: dict[str, object] = {
    "full_name": "Hannah Lindqvist",
    "email": "hannah@lindqvist-advisory.com",
    "business_name": "Lindqvist Advisory",
    "business_type": "consultant",
    "team_size": "small",
    "years_in_business": "3_to_10",
    "needs_summary": (
        "We have grown from two to four consultants in eighteen months and the admin "
        "has not kept up. I spend most evenings on scheduling, proposals and chasing "
        "invoices. I want someone who can own the back office with me and help us get"
        " our processes in shape before we hire again next year."
    ),
    "engagement": "ongoing",
    "need_regularity": "daily",
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
    "handover": "whole_functions",
    "work_mix": "growing",
    "partner_kind": "partner",
    "stance": "collaborator",
    "autonomy": 4,
    "channels": ["email", "video", "chat"],
    "owner_access": "few_times_week",
    "reply_time": "next_business_day",
    "availability": "office_hours",
    "weekends": "no",
    "beyond_scope": "what_i_share",
    "reassurance": 2,
    "processes": "yours",
    "relationship": "professional",
    "review_cadence": ["weekly", "monthly", "quarterly", "annual"],
    "budget": "2000_4000",
    "start_date": "2027-01-11",
    "anything_else": (
        "We use Google Workspace and Xero today, but I am not attached to either."
    ),
    "consent": ["agree", "deletion_understood"],
}

# Pleasant and organised, but wants one project done and then to part ways.
ONE_OFF_PROJECT: dict[str, object] = {
    "full_name": "Tom Reilly",
    "email": "Tom.Reilly@reillyevents.ie",
    "business_name": "Reilly Events",
    "business_type": "professional_services",
    "team_size": "medium",
    "years_in_business": "over_10",
    "needs_summary": (
        "We are moving our whole client archive to a new CRM in March and need "
        "someone to clean up and migrate around 3,000 records. Once it is done we are"
        " fine on our own."
    ),
    "engagement": "single_project",
    "need_regularity": "bursts",
    "service_areas": ["systems_processes", "documents"],
    "monthly_hours": 30,
    "handover": "mix",
    "work_mix": "routine_and_projects",
    "partner_kind": "in_between",
    "stance": "collaborator",
    "autonomy": 3,
    "channels": ["email", "video"],
    "owner_access": "few_times_week",
    "reply_time": "next_business_day",
    "availability": "office_hours",
    "weekends": "no",
    "beyond_scope": "what_i_share",
    "reassurance": 3,
    "processes": "adjusted",
    "relationship": "professional",
    "review_cadence": ["weekly"],
    "budget": "1000_2000",
    "start_date": "2027-03-01",
    "consent": ["agree", "deletion_understood"],
}

# Plenty of work and budget, but wants a helper on call at all hours, who knows
# everything without being told and reassures them constantly. Held back by the
# boundaries floor.
NEEDY_ALWAYS_ON: dict[str, object] = {
    "full_name": "Brooke Sandoval",
    "email": "brooke@brightpathcoaching.co",
    "business_name": "Brightpath Coaching",
    "business_type": "coach",
    "team_size": "solo",
    "years_in_business": "1_to_3",
    "needs_summary": (
        "My programme has taken off and I am drowning. Clients message me at all "
        "hours and I need someone who is just there, who knows what is going on "
        "without me having to explain it every time."
    ),
    "engagement": "ongoing",
    "need_regularity": "daily",
    "service_areas": [
        "inbox_calendar",
        "client_care",
        "events",
        "marketing_admin",
        "documents",
    ],
    "monthly_hours": 60,
    "handover": "mix",
    "work_mix": "routine_and_projects",
    "partner_kind": "in_between",
    "stance": "expert",
    "autonomy": 2,
    "trust_building": (
        "Honestly I have been let down before. If I could see that you are on top of "
        "things every day I would relax."
    ),
    "channels": ["phone", "text", "chat"],
    "owner_access": "daily",
    "reply_time": "within_hour",
    "availability": "any_time",
    "after_hours_detail": (
        "Clients in other time zones book calls late at night and I often think of "
        "things at 11pm that I want sorted before the morning."
    ),
    "weekends": "yes",
    "beyond_scope": "keep_up",
    "reassurance": 5,
    "processes": "adjusted",
    "relationship": "close_friend",
    "review_cadence": ["weekly", "monthly"],
    "budget": "2000_4000",
    "start_date": "2026-12-01",
    "anything_else": "I would love someone who gets excited about my wins with me.",
    "consent": ["agree", "deletion_understood"],
}

# Wants ongoing help, but as an instruction-taker on individual tasks, in their own
# tools, with no regular check-ins: a secretarial-service buyer. Not a fit on scores.
PAIR_OF_HANDS: dict[str, object] = {
    "full_name": "Gerald Whitcombe",
    "email": "gerald@whitcombeplumbing.co.uk",
    "business_name": "Whitcombe & Sons Plumbing",
    "business_type": "trades",
    "team_size": "medium",
    "years_in_business": "over_10",
    "needs_summary": (
        "The office manager retired and the paperwork is backing up: quotes, job "
        "sheets, supplier invoices. I need someone to type things up and send them "
        "out."
    ),
    "engagement": "ongoing",
    "need_regularity": "weekly",
    "service_areas": ["bookkeeping_admin", "documents", "inbox_calendar"],
    "monthly_hours": 12,
    "handover": "single_tasks",
    "work_mix": "mostly_routine",
    "partner_kind": "exact_instructions",
    "stance": "pair_of_hands",
    "autonomy": 1,
    "trust_building": (
        "Doing things the way I have always done them, for a good while first."
    ),
    "channels": ["phone", "text"],
    "owner_access": "weekly",
    "reply_time": "same_day",
    "availability": "office_hours",
    "weekends": "rare_emergencies",
    "beyond_scope": "as_we_go",
    "reassurance": 3,
    "processes": "mine_entirely",
    "relationship": "minimal",
    "review_cadence": ["none"],
    "budget": "500_1000",
    "consent": ["agree", "deletion_understood"],
}

# Easy to work with, but only wants someone to call on now and then, with a tiny
# budget: a poor fit however pleasant (no knockout; the fit score does it).
OCCASIONAL_HELPER: dict[str, object] = {
    "full_name": "Priya Natarajan",
    "email": "hello@priyanatarajanphoto.com",
    "business_name": "Priya Natarajan Photography",
    "business_type": "creative",
    "team_size": "solo",
    "years_in_business": "3_to_10",
    "needs_summary": (
        "Wedding season gets hectic and a few times a year I could use someone to "
        "sort out contracts and reply to enquiries while I am shooting."
    ),
    "engagement": "occasional",
    "need_regularity": "rarely",
    "service_areas": ["client_care", "documents"],
    "monthly_hours": 4,
    "handover": "single_tasks",
    "work_mix": "mostly_routine",
    "partner_kind": "in_between",
    "stance": "expert",
    "autonomy": 4,
    "channels": ["email"],
    "owner_access": "weekly",
    "reply_time": "two_business_days",
    "availability": "office_hours",
    "weekends": "no",
    "beyond_scope": "what_i_share",
    "reassurance": 1,
    "processes": "yours",
    "relationship": "minimal",
    "review_cadence": ["none"],
    "budget": "under_500",
    "consent": ["agree", "deletion_understood"],
}

# A good prospect who is wary of letting go: reasonable on everything, keen on
# updates, starting small; would grow into a partnership with some trust-building.
SOLID_BUT_CAUTIOUS: dict[str, object] = {
    "full_name": "Daniel Mercer",
    "email": "d.mercer@mercer-tax.com",
    "business_name": "Mercer Tax & Accounts",
    "business_type": "professional_services",
    "team_size": "small",
    "years_in_business": "over_10",
    "needs_summary": (
        "Work comes in waves around the tax deadlines and swallows the practice each "
        "time. I would like reliable help with client paperwork and the diary, and to"
        " stop doing my own invoicing, but I have never worked with outside support "
        "before."
    ),
    "engagement": "ongoing",
    "need_regularity": "bursts",
    "service_areas": [
        "inbox_calendar",
        "client_care",
        "bookkeeping_admin",
        "documents",
    ],
    "monthly_hours": 12,
    "handover": "mix",
    "work_mix": "mostly_routine",
    "partner_kind": "in_between",
    "stance": "collaborator",
    "autonomy": 2,
    "trust_building": (
        "Starting with a couple of clearly defined tasks and a short written summary "
        "each week. Once I see how things are handled I will happily hand over more."
    ),
    "channels": ["email", "phone"],
    "owner_access": "weekly",
    "reply_time": "same_day",
    "availability": "office_hours",
    "weekends": "no",
    "beyond_scope": "what_i_share",
    "reassurance": 4,
    "processes": "adjusted",
    "relationship": "professional",
    "review_cadence": ["weekly"],
    "budget": "500_1000",
    "start_date": "2027-02-01",
    "consent": ["agree", "deletion_understood"],
}

# Wants help with everything and is easy to work with, but can only afford a
# handful of hours, task by task, on the smallest budget.
TINY_BUDGET_BUSY: dict[str, object] = {
    "full_name": "Jess Albright",
    "email": "jess@albrightwellness.com",
    "business_name": "Albright Wellness",
    "business_type": "coach",
    "team_size": "solo",
    "years_in_business": "under_1",
    "needs_summary": (
        "I launched in the spring and I am doing everything myself: bookings, social "
        "posts, newsletters, invoices. I know I need help but money is tight until "
        "the autumn programme fills."
    ),
    "engagement": "ongoing",
    "need_regularity": "daily",
    "service_areas": [
        "inbox_calendar",
        "client_care",
        "bookkeeping_admin",
        "events",
        "projects",
        "marketing_admin",
        "systems_processes",
        "documents",
    ],
    "monthly_hours": 6,
    "handover": "single_tasks",
    "work_mix": "mostly_routine",
    "partner_kind": "partner",
    "stance": "collaborator",
    "autonomy": 3,
    "channels": ["email", "chat", "text"],
    "owner_access": "few_times_week",
    "reply_time": "same_day",
    "availability": "agreed_exceptions",
    "weekends": "rare_emergencies",
    "beyond_scope": "as_we_go",
    "reassurance": 3,
    "processes": "yours",
    "relationship": "professional",
    "review_cadence": ["monthly"],
    "budget": "under_500",
    "start_date": "2026-12-15",
    "anything_else": "Could we start small and grow the hours as the business grows?",
    "consent": ["agree", "deletion_understood"],
}

# A strong prospect with one mild red flag: hopes for a friend-like closeness.
# Shows that red flags are reported apart from the numbers.
FRIENDLY_FOUNDER: dict[str, object] = {
    "full_name": "Sofia Marchetti",
    "email": "sofia@studiomarchetti.design",
    "business_name": "Studio Marchetti",
    "business_type": "creative",
    "team_size": "small",
    "years_in_business": "3_to_10",
    "needs_summary": (
        "Our studio is busy and the admin lands on me between design work. I would "
        "like a right hand who takes over client onboarding, the studio calendar and "
        "our supplier paperwork, and who helps us plan our first exhibition next "
        "year."
    ),
    "engagement": "ongoing",
    "need_regularity": "weekly",
    "service_areas": [
        "inbox_calendar",
        "client_care",
        "events",
        "projects",
        "marketing_admin",
        "documents",
    ],
    "monthly_hours": 30,
    "handover": "whole_functions",
    "work_mix": "growing",
    "partner_kind": "partner",
    "stance": "collaborator",
    "autonomy": 5,
    "channels": ["email", "video", "in_person"],
    "owner_access": "daily",
    "reply_time": "next_business_day",
    "availability": "agreed_exceptions",
    "weekends": "no",
    "beyond_scope": "what_i_share",
    "reassurance": 2,
    "processes": "adjusted",
    "relationship": "close_friend",
    "review_cadence": ["weekly", "quarterly", "annual"],
    "budget": "1000_2000",
    "start_date": "2027-01-04",
    "consent": ["agree", "deletion_understood"],
}

# Wants a capable partner and will pay for it, but plans to step back entirely, is
# often unreachable and will not keep regular check-ins: strong numbers held back by
# the chemistry floor.
HANDS_OFF_EXECUTIVE: dict[str, object] = {
    "full_name": "Marcus Oyelaran",
    "email": "marcus@oyelaran-partners.com",
    "business_name": "Oyelaran Partners",
    "business_type": "consultant",
    "team_size": "small",
    "years_in_business": "over_10",
    "needs_summary": (
        "I spend most of the year travelling to client sites. I need someone to run "
        "the office side without me: diary, travel, invoicing, proposals. I would "
        "rather not be involved in how it is done."
    ),
    "engagement": "ongoing",
    "need_regularity": "weekly",
    "service_areas": [
        "inbox_calendar",
        "bookkeeping_admin",
        "events",
        "documents",
        "research",
    ],
    "monthly_hours": 40,
    "handover": "whole_functions",
    "work_mix": "routine_and_projects",
    "partner_kind": "partner",
    "stance": "expert",
    "autonomy": 5,
    "channels": ["email"],
    "owner_access": "hard_to_reach",
    "reply_time": "two_business_days",
    "availability": "office_hours",
    "weekends": "no",
    "beyond_scope": "as_we_go",
    "reassurance": 1,
    "processes": "yours",
    "relationship": "minimal",
    "review_cadence": ["none"],
    "budget": "over_4000",
    "consent": ["agree", "deletion_understood"],
}

PERSONAS: dict[str, dict[str, object]] = {
    "strategic_collaborator": STRATEGIC_COLLABORATOR,
    "one_off_project": ONE_OFF_PROJECT,
    "needy_always_on": NEEDY_ALWAYS_ON,
    "pair_of_hands": PAIR_OF_HANDS,
    "occasional_helper": OCCASIONAL_HELPER,
    "solid_but_cautious": SOLID_BUT_CAUTIOUS,
    "tiny_budget_busy": TINY_BUDGET_BUSY,
    "friendly_founder": FRIENDLY_FOUNDER,
    "hands_off_executive": HANDS_OFF_EXECUTIVE,
}

EXPECTED_VERDICT: dict[str, str] = {
    "strategic_collaborator": "strong fit",
    "one_off_project": "not a fit",
    "needy_always_on": "possible fit",
    "pair_of_hands": "not a fit",
    "occasional_helper": "not a fit",
    "solid_but_cautious": "possible fit",
    "tiny_budget_busy": "possible fit",
    "friendly_founder": "strong fit",
    "hands_off_executive": "possible fit",
}
