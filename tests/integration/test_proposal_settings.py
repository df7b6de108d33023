"""The practice's proposal terms, referrals, add-ons and logo, through the settings."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from intake import create_app
from intake.config import MAX_LOGO_BYTES, ConfigError
from intake.documents.logo import (
    LIMIT_WORDS,
    MAX_UPLOAD_BYTES,
    LogoRefused,
    logo_from_upload,
)
from intake.practice_store import current_practice
from tests.integration.test_workspace import post_settings, settings_data


def _png(size=(1200, 300), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def test_a_logo_is_re_encoded_and_shrunk():
    for fmt in ("PNG", "JPEG"):
        data = base64.b64decode(logo_from_upload(_png(fmt=fmt)))
        with Image.open(io.BytesIO(data)) as image:
            assert (image.format, image.size) == ("PNG", (600, 150))


def test_svg_and_other_files_are_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for data, reason in (
        (svg, "PNG or JPEG"),
        (b"GIF89a" + b"\0" * 40, "PNG or JPEG"),
        (b"", "empty"),
        (b"\x89PNG" + b"\0" * 1_000_001, "at most 1 MB"),
    ):
        try:
            logo_from_upload(data)
        except LogoRefused as exc:
            assert reason in str(exc)
        else:
            raise AssertionError(f"accepted {data[:10]!r}")
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    try:
        logo_from_upload(gif.getvalue())
    except LogoRefused as exc:
        assert "PNG or JPEG" in str(exc)
    else:
        raise AssertionError("accepted a GIF")


def test_terms_referrals_add_ons_and_logo_are_saved(signed_in, app):
    response = post_settings(
        signed_in,
        "proposal",
        consultant_name="Maren Holt",
        consultant_role="Founder",
        notice_days="45",
        extra_hour_rate="70",
        payment_terms="Payable within 10 days",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    response = post_settings(
        signed_in,
        "referrals",
        **{
            "referrals-0-name": "Tasks On Tap",
            "referrals-0-url": "https://tasks.example",
            "referrals-0-kind": "occasional",
            "referrals-1-name": "Town Centre",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    response = post_settings(
        signed_in,
        "packages",
        **{
            "packages-0-add_ons-0-name": "Event support",
            "packages-0-add_ons-0-monthly_price": "150",
            "packages-0-add_ons-1-name": "Travel booking",
            "packages-0-add_ons-1-monthly_price": "49.50",
            "packages-0-add_ons-1-area": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    data = settings_data(signed_in.get("/workspace/settings"), "brand")
    data["logo"] = (io.BytesIO(_png()), "logo.png")
    response = signed_in.post(
        "/workspace/settings/brand", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.test_request_context():
        practice = current_practice()
    assert (practice.consultant_name, practice.consultant_role) == (
        "Maren Holt",
        "Founder",
    )
    assert (practice.notice_days, practice.extra_hour_rate) == (45, 70)
    assert practice.payment_terms == "Payable within 10 days"
    assert [(r.name, r.url, r.kind) for r in practice.referrals] == [
        ("Tasks On Tap", "https://tasks.example", "occasional"),
        ("Town Centre", "", ""),
    ]
    assert [(a.name, a.monthly_price) for a in practice.packages[0].add_ons] == [
        ("Event support", 150.0),
        ("Travel booking", 49.5),
    ]
    assert practice.logo.startswith("iVBORw0KGgo")  # a PNG, re-encoded


def test_a_referral_link_that_is_not_a_web_address_is_refused(signed_in):
    response = post_settings(
        signed_in,
        "referrals",
        **{"referrals-0-name": "Bad Link", "referrals-0-url": "javascript:alert(1)"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Use a web address starting with https://" in html
    assert 'value="javascript:alert(1)"' in html  # kept, to be corrected


def test_an_svg_logo_is_refused_with_a_message(signed_in):
    data = settings_data(signed_in.get("/workspace/settings"), "brand")
    data["logo"] = (io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "x.svg")
    response = signed_in.post(
        "/workspace/settings/brand", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "The logo must be a PNG or JPEG image." in response.get_data(as_text=True)


def test_a_bad_add_on_price_is_refused(signed_in):
    response = post_settings(
        signed_in,
        "packages",
        **{
            "packages-0-add_ons-2-name": "Event support",
            "packages-0-add_ons-2-monthly_price": "free",
        },
    )
    assert response.status_code == 422
    assert "Use a price such as 150 or 99.50." in response.get_data(as_text=True)


def test_package_areas_are_chosen_from_the_questionnaires_list(signed_in, app):
    page = signed_in.get("/workspace/settings")
    html = page.get_data(as_text=True)
    # the questionnaire's own areas, as checkboxes for each package
    assert 'name="packages-0-service_areas" type="checkbox" value="research"' in html
    assert "Marketing admin: newsletters, scheduling, listings" in html
    response = post_settings(
        signed_in,
        "packages",
        **{
            "packages-0-service_areas": ["inbox_calendar", "events"],
            "packages-0-other_areas": "Office plants\nBilling",
            "packages-0-add_ons-0-remove": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    response = post_settings(signed_in, "practice", time_zone="Europe/London")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.test_request_context():
        practice = current_practice()
    first = practice.packages[0]
    # known words become the value; the rest stays as written
    assert first.service_areas == (
        "inbox_calendar",
        "events",
        "Office plants",
        "bookkeeping_admin",
    )
    assert [(a.name, a.monthly_price, a.area) for a in first.add_ons] == [
        ("Research on request", 150.0, "research")
    ]
    assert practice.standards.time_zone == "Europe/London"
    again = signed_in.get("/workspace/settings").get_data(as_text=True)
    assert "Office plants" in again
    assert (
        'name="packages-0-add_ons-0-name" type="text" value="Research on request"'
        in (again)
    )


@pytest.mark.parametrize(
    "name",
    [
        "Mars/Base",
        "America",  # a folder of the zone database, not a zone
        "x" * 300,  # longer than a file name may be: was an OSError, a 500
        "../../../etc/passwd",
    ],
)
def test_a_time_zone_that_does_not_exist_is_refused(signed_in, name):
    response = post_settings(signed_in, "practice", time_zone=name)
    assert response.status_code == 422
    assert "Use a time zone name such as Europe/London" in response.get_data(
        as_text=True
    )


def test_a_practice_saved_with_a_zone_is_scheduled_in_it(signed_in):
    assert post_settings(signed_in, "practice", time_zone="Asia/Tokyo").status_code in (
        200,
        302,
    )
    with signed_in.application.app_context():
        from intake.proposal.schedule import zone

        assert zone(current_practice()).key == "Asia/Tokyo"


def test_the_about_section_is_set_in_settings_and_shown_only_when_filled(
    signed_in, app
):
    from intake.documents import service
    from tests.personas import PERSONAS

    with app.test_request_context():
        from intake import registry

        questionnaire = registry.active()
        empty = service.render_html(
            service.context_for_answers(
                questionnaire, PERSONAS["steady_collaborator"], current_practice()
            )
        )
    assert "Who we are" not in empty
    response = post_settings(
        signed_in,
        "proposal",
        about="I have run the back office of three consultancies.",
        years="12",
        testimonials="She took the admin off my desk within a month. | Dana K.\n"
        "Calm, clear and ahead of me. | Ravi P., coach",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.test_request_context():
        practice = current_practice()
        html = service.render_html(
            service.context_for_answers(
                questionnaire, PERSONAS["steady_collaborator"], practice
            )
        )
    assert practice.years == 12 and len(practice.testimonials) == 2
    assert "Who we are" in html
    assert "I have run the back office of three consultancies." in html
    assert "12 years of experience" in html and "Ravi P., coach" in html


def test_more_than_three_testimonials_are_refused(signed_in):
    response = post_settings(signed_in, "proposal", testimonials="a | b\nc\nd\ne")
    assert response.status_code == 422
    assert "at most three testimonials" in response.get_data(as_text=True)


def _fields(data: dict):
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            yield name, item


def test_a_logo_over_the_limit_is_refused_and_every_typed_setting_kept(signed_in):
    """1.5 MB: the page answers (it was a bare 413 at 512 KiB, every setting lost)."""
    data = settings_data(
        signed_in.get("/workspace/settings"), "brand", brand_colour="#336699"
    )
    data["logo"] = FileStorage(io.BytesIO(b"\x89PNG" + b"\0" * 1_500_000), "logo.png")
    # encoded here: the test client's own encoding of a body this large spools it to a
    # temporary file it never closes (a ResourceWarning)
    boundary, body = encode_multipart(MultiDict(_fields(data)))
    response = signed_in.post(
        "/workspace/settings/brand",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"The logo must be at most {LIMIT_WORDS}." in html
    assert 'value="#336699"' in html
    assert f"at most {LIMIT_WORDS})" in html  # the label says the same limit
    assert current_practice().brand_colour == "#1f5f8b"  # nothing saved


def test_one_logo_limit_everywhere(app, app_config):
    assert MAX_UPLOAD_BYTES == MAX_LOGO_BYTES
    assert app.config["MAX_CONTENT_LENGTH"] > MAX_LOGO_BYTES * 1.5 + 64 * 1024
    assert LIMIT_WORDS == "1 MB"
    with pytest.raises(ConfigError, match="INTAKE_MAX_CONTENT_LENGTH must be at least"):
        create_app({**app_config, "MAX_CONTENT_LENGTH": 512 * 1024})


def test_a_line_break_in_a_single_line_setting_is_made_a_space(signed_in):
    response = post_settings(signed_in, "practice", name="Acme\r\nAdvisory\n")
    assert response.status_code == 302
    assert current_practice().name == "Acme Advisory"
