"""Settings in sections (issue 25, point 8): each section its own form and Save, an
error kept in its section, referrals and add-ons as rows, the logo shown, the brand
colour as a colour input."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from PIL import Image

from intake.extensions import db as _db
from intake.practice import AddOn, Referral
from intake.practice_store import current_practice, save_practice
from tests.integration.test_workspace import settings_data

SECTIONS = (
    "practice",
    "brand",
    "standards",
    "packages",
    "referrals",
    "proposal",
    "mail",
    "thanks",
)


def _page(client, query=""):
    response = client.get("/workspace/settings" + query)
    assert response.status_code == 200
    return response


def _section_html(html: str, key: str) -> str:
    """One section of the page, from its opening tag to the next section's."""
    return re.search(rf'<section[^>]*id="{key}".*?</section>', html, re.S).group(0)


def _post(client, key, **changes):
    data = settings_data(_page(client), key, **changes)
    return client.post(f"/workspace/settings/{key}", data=data)


def _stored():
    _db.session.expire_all()
    from flask import g

    g.pop("practice", None)
    return current_practice()


def test_each_section_has_its_own_form_save_and_a_link_in_the_index(signed_in):
    html = _page(signed_in).get_data(as_text=True)
    index = re.search(r'<nav class="settings-index".*?</nav>', html, re.S).group(0)
    links = re.findall(r'href="#([a-z]+)"', index)
    assert links == [*SECTIONS[:7], "availability", "thanks"]
    for key in SECTIONS:
        part = _section_html(html, key)
        assert part.count("<form") == 1
        assert f'action="/workspace/settings/{key}#{key}"' in part
        assert len(re.findall(r'<button type="submit"[^>]*>Save ', part)) == 1
    assert 'action="/workspace/settings/availability"' in html  # wrapped, not rewritten


def test_a_section_saves_only_its_own_fields_and_confirms_in_place(signed_in, db):
    before = current_practice()
    response = _post(
        signed_in,
        "practice",
        name="Brightline Admin Co",
        office_start="25:00",  # another section's field in the post: not read
        brand_colour="#000000",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/workspace/settings?saved=practice#practice"
    after = _stored()
    assert after.name == "Brightline Admin Co"
    assert dataclasses.replace(after, name=before.name) == before
    html = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Practice: saved." in _section_html(html, "practice")
    assert html.count(": saved.") == 1


def test_an_error_stays_in_its_section_keeps_what_was_typed_and_saves_nothing(
    signed_in, db
):
    before = current_practice()
    response = _post(signed_in, "practice", name="Typed but refused", email="nope")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.count('class="error-summary"') == 1
    practice = _section_html(html, "practice")
    assert 'class="error-summary"' in practice
    assert 'id="email-error"' in practice and "Invalid email address." in practice
    assert 'value="Typed but refused"' in practice
    assert '<a href="#email">Contact e-mail: Invalid email address.</a>' in practice
    # the other sections show what is stored, with no error
    assert 'value="09:00"' in _section_html(html, "standards")
    assert 'value="10:00-12:00, 14:00-16:00"' in _section_html(html, "availability")
    assert "field-error" not in html.replace(practice, "")
    assert _stored() == before


def test_an_unknown_section_is_not_found_and_the_page_takes_no_post(signed_in):
    token = settings_data(_page(signed_in))["csrf_token"]
    for key in ("nothing", "consultationx"):
        response = signed_in.post(
            f"/workspace/settings/{key}", data={"csrf_token": token}
        )
        assert response.status_code == 404
    assert (
        signed_in.post("/workspace/settings", data={"csrf_token": token}).status_code
        == 405
    )


# ---- referrals and add-ons as rows ----------------------------------------------------


def test_stored_referrals_show_as_rows_with_empty_rows_to_add(signed_in, db):
    save_practice(
        dataclasses.replace(
            current_practice(),
            referrals=(
                Referral("Pat's Typing", "https://pat.example", "occasional"),
                Referral("Project People"),
            ),
        )
    )
    db.session.commit()
    part = _section_html(_page(signed_in).get_data(as_text=True), "referrals")
    assert 'name="referrals-0-name" type="text" value="Pat&#39;s Typing"' in part
    assert 'value="https://pat.example"' in part
    assert '<option selected value="occasional">' in part
    assert 'name="referrals-1-name" type="text" value="Project People"' in part
    # two empty rows to add to the list, without JavaScript
    assert 'name="referrals-3-name" type="text" value=""' in part
    assert "referrals-4-name" not in part
    assert part.count('type="checkbox"') == 2  # "Remove" on the filled rows only


def test_referral_rows_are_added_removed_and_saved(signed_in, db):
    response = _post(
        signed_in,
        "referrals",
        **{
            "referrals-0-name": "Pat's Typing",
            "referrals-0-url": "https://pat.example",
            "referrals-0-kind": "occasional",
            "referrals-1-name": "Gone Soon",
            "referrals-1-remove": "y",
        },
    )
    assert response.status_code == 302
    assert _stored().referrals == (
        Referral("Pat's Typing", "https://pat.example", "occasional"),
    )


def test_a_bad_referral_row_gets_its_message_beside_it_and_nothing_is_lost(
    signed_in, db
):
    response = _post(
        signed_in,
        "referrals",
        **{
            "referrals-0-name": "Kept Name",
            "referrals-0-kind": "project",
            "referrals-1-url": "ftp://no-name.example",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    part = _section_html(html, "referrals")
    assert 'value="Kept Name"' in part
    assert '<option selected value="project">' in part
    assert 'value="ftp://no-name.example"' in part
    assert re.search(r'id="referrals-1-name-error".*Required for a referral', part)
    assert re.search(r'id="referrals-1-url-error".*starting with https://', part)
    assert '<a href="#referrals-1-name">Referral 2 name: Required' in part
    assert _stored().referrals == ()


def test_stored_add_ons_show_as_rows_in_their_package(signed_in):
    part = _section_html(_page(signed_in).get_data(as_text=True), "packages")
    assert (
        'name="packages-0-add_ons-0-name" type="text" '
        'value="Marketing admin: newsletters and scheduling"'
    ) in part
    assert 'name="packages-0-add_ons-0-monthly_price" type="text" value="200"' in part
    assert re.search(
        r'name="packages-0-add_ons-1-area">.*?<option selected value="research">',
        part,
        re.S,
    )
    assert 'name="packages-0-add_ons-2-name" type="text" value=""' in part
    assert "|" not in re.sub(r"<[^>]+>", "", part)  # no pipe syntax left to learn


def test_add_on_rows_are_added_removed_and_checked(signed_in, db):
    bad = _post(
        signed_in,
        "packages",
        **{
            "packages-1-add_ons-0-name": "Travel booking",
            "packages-1-add_ons-0-monthly_price": "about 90",
            "packages-0-add_ons-0-remove": "y",
        },
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert re.search(
        r'id="packages-1-add_ons-0-monthly_price-error".*Use a price such as 150', html
    )
    assert 'value="about 90"' in html and 'value="Travel booking"' in html
    # each package folds under its summary; the one with the error is open
    packages = re.findall(r"<details class=\"package\"( open)?>", html)
    assert packages == ["", " open", "", ""]
    assert re.search(
        r'id="packages-0-add_ons-0-remove"[^>]*checked|checked[^>]*id="packages-0-add_ons-0-remove"',
        html,
    )
    assert _stored().packages[1].add_ons == ()
    good = _post(
        signed_in,
        "packages",
        **{
            "packages-1-add_ons-0-name": "Travel booking",
            "packages-1-add_ons-0-monthly_price": "89.50",
            "packages-1-add_ons-0-area": "events",
            "packages-0-add_ons-0-remove": "y",
        },
    )
    assert good.status_code == 302
    packages = _stored().packages
    assert packages[1].add_ons == (AddOn("Travel booking", 89.5, "events"),)
    assert packages[0].add_ons == (AddOn("Research on request", 150, "research"),)


def test_a_package_is_added_and_removed_by_its_rows(signed_in, db):
    response = _post(
        signed_in,
        "packages",
        **{
            "packages-0-remove": "y",
            "packages-3-name": "Starter",
            "packages-3-monthly_hours": "5",
            "packages-3-monthly_price": "325",
        },
    )
    assert response.status_code == 302
    names = [p.name for p in _stored().packages]
    assert names == ["Partner", "Strategic Partner", "Starter"]


def test_removing_every_package_is_refused(signed_in, db):
    response = _post(
        signed_in,
        "packages",
        **{f"packages-{i}-remove": "y" for i in range(3)},
    )
    assert response.status_code == 422
    assert "Offer at least one package." in response.get_data(as_text=True)
    assert len(_stored().packages) == 3


# ---- brand: a colour input and the logo ----------------------------------------------


def test_the_brand_colour_is_a_colour_input_with_its_hex_shown(signed_in, db):
    part = _section_html(_page(signed_in).get_data(as_text=True), "brand")
    assert re.search(r'<input type="color" id="brand_colour"[^>]*value="#1f5f8b"', part)
    assert (
        '<output id="brand_colour-hex" for="brand_colour" class="hex">#1f5f8b</output>'
        in part
    )
    assert _post(signed_in, "brand", brand_colour="#AA3366").status_code == 302
    assert _stored().brand_colour == "#aa3366"
    assert signed_in.get("/brand.css").get_data(as_text=True) == (
        ":root { --brand: #aa3366; }\n"
    )


@pytest.mark.parametrize("bad", ["red", "#12345", "red; background:url(http://x)", ""])
def test_a_colour_that_is_not_hex_is_refused_and_the_saved_one_shown(
    signed_in, db, bad
):
    response = _post(signed_in, "brand", brand_colour=bad)
    part = _section_html(response.get_data(as_text=True), "brand")
    assert response.status_code == 422
    assert "Use a colour like #1f5f8b." in part
    if bad:
        assert f"(not “{bad}”)" in part.replace("&#34;", '"')
    # a colour input holds only a colour: the saved one, valid HTML
    assert re.search(r'<input type="color" id="brand_colour"[^>]*value="#1f5f8b"', part)
    assert _stored().brand_colour == "#1f5f8b"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 100), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_the_logo_is_previewed_replaced_and_removed(signed_in, db):
    part = _section_html(_page(signed_in).get_data(as_text=True), "brand")
    assert "No logo yet" in part and "<img" not in part
    data = settings_data(_page(signed_in), "brand")
    data["logo"] = (io.BytesIO(_png()), "logo.png")
    response = signed_in.post(
        "/workspace/settings/brand", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    logo = _stored().logo
    assert logo
    part = _section_html(_page(signed_in).get_data(as_text=True), "brand")
    assert f'<img src="data:image/png;base64,{logo}" alt="Your current logo">' in part
    assert 'id="remove_logo"' in part
    assert _post(signed_in, "brand", remove_logo="y").status_code == 302
    assert _stored().logo == ""


def test_a_refused_logo_keeps_the_colour_typed_and_the_old_logo(signed_in, db):
    data = settings_data(_page(signed_in), "brand", brand_colour="#336699")
    data["logo"] = (io.BytesIO(b"<svg></svg>"), "logo.svg")
    response = signed_in.post(
        "/workspace/settings/brand", data=data, content_type="multipart/form-data"
    )
    part = _section_html(response.get_data(as_text=True), "brand")
    assert response.status_code == 422
    assert "PNG or JPEG" in part
    assert 'value="#336699"' in part
    assert _stored().brand_colour == "#1f5f8b"
