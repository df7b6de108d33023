"""What a recommendation says: the sentences of the rationale, the reviews and the
working agreement, what we heard, how each area is covered, the options side by side
and the notes for the consultant, tied to the prospect's own answers. Pure code."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..practice import CADENCES, Package, Practice, format_money, join_words
from .decision import (
    HOURS_PER_AREA,
    Growth,
    Sizing,
    add_on_for,
    covers_area,
    included,
    is_strategic,
    ladder,
    within,
)
from .facts import Facts
from .plan import AreaCover, Option, ProjectFrame, ReviewPlan

_REVIEW_WHEN = {
    "weekly": "Every week, 20–30 minutes, at the same time each week",
    "monthly": "Once a month, about an hour",
    "quarterly": "Every quarter, about 90 minutes",
    "annual": "Once a year, half a day",
}


_REVIEW_PURPOSE = {
    "weekly": "A short check-in to line up this week's priorities and clear anything "
    "standing in the way.",
    "monthly": "A look at the deliverables and deadlines of the month ahead, so we can "
    "anticipate what you will need and agree realistic timeframes.",
    "quarterly": "A review of where the business stands and where it is heading: the "
    "strategy, a few realistic indicators, and how far we may act on your behalf.",
    "annual": "A review of the partnership itself (autonomy, delivery under pressure, "
    "judgement, anticipation) and of what you could delegate next.",
}


# why each review matters, as the end of a sentence
_REVIEW_MATTERS = {
    "weekly": "a few protected minutes each week keep us on what matters most to you "
    "and stop small questions from piling up",
    "monthly": "seeing the month's deadlines early lets us prepare before you "
    "have to ask",
    "quarterly": "knowing where the business stands gives us the context, and the "
    "authority, to act for you with confidence",
    "annual": "stepping back once a year is how we decide together what to hand over "
    "next, so the partnership keeps growing",
}


@dataclass(frozen=True)
class Voice:
    """Who the rationale speaks to: the prospect (YOU) or the consultant (THEY)."""

    You: str  # noqa: N815 (the capital is the sentence's)
    you: str
    your: str
    shown_below: str  # where the other areas' cover is shown
    both_below: str  # where the two options are set out
    chosen: str  # the package chosen by hand, "{}" its name


YOU = Voice(
    "You",
    "you",
    "your",
    "below we show how each of the others is covered",
    "We set both out side by side below",
    "As we discussed, this proposal is built around {}.",
)
THEY = Voice(
    "They",
    "they",
    "their",
    "the proposal shows how each of the others is covered",
    "The proposal sets both out side by side",
    "You chose {} by hand; the proposal is built around it.",
)


def quoted(labels: Iterable[str]) -> str:
    return join_words(f"“{label}”" for label in labels)


# who serves an area better than an administrative partner, when no package covers it
_SPECIALISTS = {
    "bookkeeping_admin": "a bookkeeper",
    "events": "an events or travel agency",
    "hiring_onboarding": "a recruiter",
    "marketing_admin": "a marketing assistant or agency",
    "projects": "a project manager hired for the project",
    "research": "a research specialist",
}


def _cover(area: str, package: Package, practice: Practice, label: str) -> AreaCover:
    """How the proposal covers one area they asked for."""
    if covers_area(package, area):
        return AreaCover(label, "package", f"Included in {package.name}.")
    add_on = add_on_for(package, area)
    if add_on is not None:
        price = format_money(add_on.monthly_price, practice.currency)
        return AreaCover(
            label, "add_on", f"As an add-on to {package.name}: {price} a month."
        )
    later = next((p for p in ladder(practice.packages) if covers_area(p, area)), None)
    if later is not None:
        return AreaCover(
            label,
            "later",
            f"Not in {package.name}; it comes with {later.name}, so we can add it "
            "when the partnership grows.",
        )
    who = _SPECIALISTS.get(area, "a specialist in this area")
    return AreaCover(
        label,
        "not_offered",
        f"Not something we offer; {who} would serve you better, and we are glad "
        "to work alongside them.",
    )


def coverage(
    facts: Facts, package: Package, practice: Practice
) -> tuple[AreaCover, ...]:
    return tuple(
        _cover(a, package, practice, facts.area_names.get(a, a)) for a in facts.area_ids
    )


def _review_why(cadence: str, facts: Facts) -> str:
    """Why we propose this review, quoting only the review choices they ticked."""
    matters = _REVIEW_MATTERS[cadence]
    ticked = facts.cadence_labels.get(cadence)
    if ticked:
        why = f"You said you could keep time free for “{ticked}”, and {matters}."
    elif facts.refusals:
        why = (
            f"You said “{facts.refusals[0]}”; we still propose this one, because "
            f"{matters}."
        )
    else:
        why = f"We include it because {matters}."
    if cadence == "quarterly" and is_strategic(facts):
        why += " With more project and strategic work ahead, it matters all the more."
    return why


def reviews(
    package: Package, practice: Practice, facts: Facts
) -> tuple[ReviewPlan, ...]:
    """The package's reviews that the practice holds: the one rhythm everywhere."""
    wanted = set(package.reviews)
    return tuple(
        ReviewPlan(
            cadence=cadence,
            name=name,
            when=_REVIEW_WHEN[cadence],
            purpose=_REVIEW_PURPOSE[cadence],
            why=_review_why(cadence, facts),
        )
        for cadence, name in CADENCES.items()
        if cadence in practice.standards.cadences and cadence in wanted
    )


def agreement(practice: Practice) -> tuple[str, ...]:
    """The working agreement's points beyond the standards table (hours, replies,
    channels) and the package's exclusions, which the proposal shows elsewhere."""
    std = practice.standards
    points = [
        "A reply is an acknowledgement and a plan, not always the finished work.",
        "Weekend work is possible when we have agreed it in advance."
        if std.weekends
        else "We do not work at weekends; anything sent then is picked up on the "
        "next working day.",
        "You tell us what we need to know about the business, such as news, changes "
        "of plan and context; we do not assume what we have not been told.",
        "We work within our agreed processes and tools, and adjust them together "
        "where that helps.",
    ]
    return tuple(points)


def said_clauses(facts: Facts, v: Voice = YOU) -> dict[str, str]:
    """Clauses about the prospect's own answers, by topic, without a full stop."""
    out = {}
    if facts.engagement_label:
        out["engagement"] = (
            f"Asked what kind of arrangement {v.you} are hoping for, {v.you} "
            f"answered “{facts.engagement_label}”"
        )
    if facts.areas:
        n = len(facts.areas)
        noun = "one area" if n == 1 else f"{n} areas"
        out["areas"] = f"{v.You} asked for support in {noun} of the business"
    if facts.mix_label:
        out["mix"] = f"{v.You} described the work as “{facts.mix_label}”"
    if facts.stance_label:
        out["stance"] = f"On decisions, {v.you} said “{facts.stance_label}”"
    return out


def _hours_sentence(
    facts: Facts, package: Package, sizing: Sizing, v: Voice = YOU
) -> str:
    if facts.hours is not None:
        said = f"{v.You} picture about {facts.hours} hours of support a month"
    else:
        said = (
            f"{v.You} did not estimate {v.your} hours, so we allowed about "
            f"{HOURS_PER_AREA} for each area {v.you} chose, {sizing.hours} in all"
        )
    if sizing.hours > package.monthly_hours:
        return (
            f"{said}, more than the {package.monthly_hours} hours {package.name} "
            "includes; we would start there and agree priorities together."
        )
    if sizing.hours < package.monthly_hours and sizing.is_smallest:
        return (
            f"{said}; {package.name}, our smallest package, includes "
            f"{package.monthly_hours}, so there is time to spare as we settle in."
        )
    return (
        f"{said}, and {package.name} includes {package.monthly_hours}: the "
        "smallest of our packages that covers it."
    )


def _areas_ending(facts: Facts, coverage: tuple[AreaCover, ...], v: Voice = YOU) -> str:
    """Where the areas they chose stand, pointing to the list that shows each."""
    inside = sum(1 for c in coverage if c.how == "package")
    if not coverage or inside == len(coverage):
        return ", and the package covers each of them." if coverage else "."
    return f"; {inside} of them are in the package, and {v.shown_below}."


def _mix_ending(facts: Facts) -> str:
    if not is_strategic(facts):
        return (
            "; a healthy partnership grows the share of project and strategic work "
            "over time."
        )
    return (
        "; with more project and strategic work ahead, we will plan it together at a "
        "quarterly business review."
    )


def growth_sentence(
    package: Package, growth: Growth | None, currency: str, v: Voice = YOU
) -> str:
    if growth is None:
        return ""
    grow = growth.package
    signals = []
    if growth.strategic:
        signals.append(f"{v.you} see more project and strategic work ahead")
    if growth.later:
        signals.append(
            f"{v.you} also asked about {quoted(growth.later)}, which {grow.name} includes"
        )
    elif growth.areas:
        signals.append(f"{v.you} listed {growth.areas} areas")
    price = format_money(grow.monthly_price, currency)
    return (
        f"There is room to grow: {'; '.join(signals)}. We suggest "
        f"starting with {package.name} as {v.you} described it; {grow.name} "
        f"({grow.monthly_hours} hours, {price} a month) is the next step whenever "
        "the work is there, and we would decide it together at a review."
    )


def _stance_ending(facts: Facts) -> str:
    if facts.stance_value == "together":
        return ", which is exactly how we like to work."
    return "; we will talk through how decisions get made on our call."


def fit_rationale(
    facts: Facts,
    package: Package,
    sizing: Sizing,
    is_override: bool,
    coverage: tuple[AreaCover, ...],
    v: Voice = YOU,
) -> tuple[str, ...]:
    """Why this package, in sentences tied to their answers."""
    said = said_clauses(facts, v)
    endings = {
        "engagement": "; ongoing support, month after month, is what we offer.",
        "areas": _areas_ending(facts, coverage, v),
        "mix": _mix_ending(facts),
        "stance": _stance_ending(facts),
    }
    lines = []
    if is_override:
        lines.append(v.chosen.format(package.name))
    if "engagement" in said:
        lines.append(said["engagement"] + endings["engagement"])
    lines.append(_hours_sentence(facts, package, sizing, v))
    lines += [said[k] + endings[k] for k in ("areas", "mix", "stance") if k in said]
    return tuple(lines)


def not_fit_rationale(facts: Facts, reason: str, v: Voice = YOU) -> tuple[str, ...]:
    said = said_clauses(facts, v)
    lines = [reason]
    if "engagement" in said:
        lines.append(said["engagement"] + ".")
    if facts.hours is not None:
        lines.append(f"{v.You} picture about {facts.hours} hours of support a month.")
    lines += [said[k] + "." for k in ("areas", "mix", "stance") if k in said]
    return tuple(lines)


def project_lines(
    project: ProjectFrame, package: Package, v: Voice = YOU
) -> tuple[str, ...]:
    """The first months framed around the project, and what continuing would be."""
    return (
        f"{v.You} described one project, to be finished by {project.end_words}. We would "
        f"build the first months around it with {package.name}: "
        f"{package.monthly_hours} hours a month for the project, and the reviews "
        "until it is done, with no commitment beyond it.",
        f"When the project is done, we either part as planned or, if {v.you} would like "
        "to keep the support, continue month to month as an ongoing partnership: the "
        "same package, looking after whole areas of the business, with quarterly and "
        "annual reviews added. We would decide that together at a review before the "
        "project ends.",
    )


def heard(facts: Facts, areas: bool = True) -> tuple[str, ...]:
    """What we heard, in their answers' own labels (their summary is quoted apart);
    without the areas when the proposal lists each with how it is covered."""
    items = []
    if facts.engagement_label:
        items.append(f"The arrangement you are hoping for: “{facts.engagement_label}”.")
    if facts.areas and areas:
        items.append("Where you would like support: " + quoted(facts.areas) + ".")
    if facts.hours_words:
        items.append(f"By your estimate, you need about {facts.hours_words}.")
    if facts.budget_label:
        items.append(f"The budget you have in mind: “{facts.budget_label}”.")
    if facts.start:
        items.append(f"You would like to start on {facts.start}.")
    return tuple(items)


def _covers(package: Package, facts: Facts) -> tuple[str, ...]:
    return (
        f"{package.monthly_hours} hours of support a month",
        *included(facts, package),
        *(CADENCES[c] for c in package.reviews if c in CADENCES),
    )


def _leaves_out(package: Package, other: Package, facts: Facts) -> tuple[str, ...]:
    """What `other` includes that `package` does not: hours, the areas they asked
    for, reviews."""
    out = []
    if other.monthly_hours > package.monthly_hours:
        out.append(f"{other.monthly_hours - package.monthly_hours} hours a month")
    mine = set(included(facts, package))
    out += [a for a in included(facts, other) if a not in mine]
    out += [
        CADENCES[c] for c in other.reviews if c in CADENCES and c not in package.reviews
    ]
    return tuple(out)


def option(package: Package, kind: str, facts: Facts, other: Package | None) -> Option:
    return Option(
        package,
        kind,
        _covers(package, facts),
        _leaves_out(package, other, facts) if other is not None else (),
        included(facts, package),
    )


def consultant_notes(
    facts: Facts, package: Package, options: tuple[Option, ...], currency: str
) -> tuple[str, ...]:
    """Where hours and budget disagree, for the consultant's eyes only."""
    if facts.budget is None or within(package, facts):
        return ()
    need = f"{facts.hours} hours a month" if facts.hours is not None else "The areas"
    price = format_money(package.monthly_price, currency)
    if facts.hours is not None and facts.hours < package.monthly_hours:
        need = f"{facts.hours} hours a month (below the smallest package)"
    reachable = [o.package.name for o in options if o.kind == "within_budget"]
    offered = (
        f"the proposal offers {reachable[0]} within it side by side"
        if reachable
        else "no package is within it: talk it through on the call"
    )
    return (
        f"Hours and budget disagree: {need} need {package.name} ({price} a month), "
        f"more than their budget (“{facts.budget_label}”); {offered}.",
    )


def budget_sentence(
    facts: Facts, package: Package, options: tuple[Option, ...], v: Voice = YOU
) -> str:
    """How the recommendation sits with the budget they gave; '' when none given."""
    if facts.budget is None:
        return ""
    said = f"For {v.your} budget {v.you} chose “{facts.budget_label}”"
    if within(package, facts):
        return f"{said}, and {package.name} sits within it."
    if not options or options[-1].kind == "room_to_grow":
        return (
            f"{said}; {package.name} costs more than that, so let us talk about what "
            "matters most and whether now is the right time to start."
        )
    other = options[0].package
    reach = "is within it" if options[0].kind == "within_budget" else "comes closest"
    return (
        f"{said}; what {v.you} described needs {package.name}, which costs more, while "
        f"{other.name} {reach}. {v.both_below}, with what each covers and leaves out, "
        f"so that {v.you} can choose."
    )


NO_PACKAGES = (
    "No packages are set up in the practice settings yet, so there is no package to "
    "recommend."
)
