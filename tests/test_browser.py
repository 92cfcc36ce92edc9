"""The HTML interface in headless Chromium (Debian `chromium`, driven by Playwright): what a person sees."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Chromium is not installed (apt-get install -y chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(java_script_enabled=False)  # the interface must work without JavaScript
    page = context.new_page()
    yield page
    context.close()


def test_search_fasd_training_shows_the_resolution_highlighted(page, live_url, gold):
    page.goto(live_url + "/")
    page.fill("input[name=q]", "FASD training")
    page.click("button[type=submit]")
    page.wait_for_selector("li.hit")
    first = page.locator("li.hit").first
    assert "resolution" in first.locator(".kind").inner_text()
    assert "FASD" in first.locator("h2").inner_text()
    marks = [m.lower() for m in first.locator(".snippet mark").all_inner_texts()]
    assert "fasd" in marks and "training" in marks
    gold_date = next(m["date"] for m in gold["meetings"] if any("FASD" in r["item"] for r in m.get("resolutions", [])))
    assert gold_date in first.locator(".meta").inner_text()
    facet_links = page.locator(".facets a")
    assert facet_links.count() >= 1


def test_pat_speeds_page_shows_the_three_schools_and_grades(page, live_url, gold):
    from graph.iris import school_key

    expected_schools = next(q["answer"] for q in gold["questions"] if q.get("ask", "").startswith("Which schools did Pat Speed"))
    inspector = next(i["inspector"] for i in gold["inspections"] if i["school"] == expected_schools[0])
    expected = {school_key(i["school"]): i["grade"] for i in gold["inspections"] if i["school"] in expected_schools}
    # A person finds the inspector from the inspections list, then opens the inspector's page.
    page.goto(live_url + "/inspections?inspector=" + inspector.replace(" ", "+"))
    page.locator("td.inspector a").first.click()
    page.wait_for_selector("#inspections-led")
    assert inspector in page.locator("h1").inner_text()
    rows = page.locator("#inspections-led tr.inspection")
    seen = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        seen[school_key(row.locator("td.school").inner_text())] = row.locator("td.grade").inner_text().strip()
    assert len(seen) == len(expected) == 3
    for key, grade in expected.items():
        match = next(k for k in seen if k.startswith(key) or key.startswith(k))  # papers shorten school names
        assert seen[match] == grade
    # Each school links to its own page with the inspection history.
    page.locator("#inspections-led td.school a").first.click()
    page.wait_for_selector("#inspection-history")
    assert page.locator("#inspection-history tr.inspection").count() >= 1
