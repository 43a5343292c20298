"""Content-Security-Policy on every response, strict (no inline script or style, no eval), and the
pages that run scripts (NHS.UK frontend, Chart.js dashboards, the API docs) working under it."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import IntegratedCareSystemFactory, OccupationFactory, RegionFactory, UserFactory

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _policy(response) -> dict[str, list[str]]:
    directives = [part.strip().split() for part in response["Content-Security-Policy"].split(";")]
    return {name: sources for name, *sources in directives}


def _assert_strict(response) -> None:
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header


@pytest.mark.django_db
def test_public_pages_carry_the_strict_policy(client):
    for url in ("/", "/login/", "/no-such-page/"):
        _assert_strict(client.get(url))


def test_signed_in_pages_carry_the_strict_policy(college_user):
    browser = Client()
    browser.force_login(college_user)
    for url in (reverse("account"), reverse("docs")):
        response = browser.get(url)
        assert response.status_code == 200, url
        _assert_strict(response)


def test_api_answers_carry_the_policy_too(api_client, client_for, college_user):
    _assert_strict(api_client.get(reverse("api:courseoffer-list")))  # 401
    _assert_strict(client_for(college_user).get(reverse("api:courseoffer-list")))
    _assert_strict(api_client.get(reverse("healthz")))


def test_no_template_carries_inline_script_or_style():
    # Data blocks (<script type="application/json">, from json_script) are not code and are allowed.
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (inline_script, re.compile(r"\sstyle\s*=", re.I), re.compile(r"<style", re.I),
                        re.compile(r"\son[a-z]+\s*=\s*\"", re.I), re.compile(r"javascript:", re.I)):
            offenders += [f"{path.relative_to(TEMPLATES)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert not offenders, "Inline script or style (move it to a file in static/):\n" + "\n".join(offenders)


# --- in a real browser: no violation is reported -----------------------------------------------

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline"));
});
"""


def _watch(page) -> list[str]:
    """Record CSP violations (the DOM event) and console errors on every page the tab opens."""
    problems: list[str] = []
    page.add_init_script(LISTEN)
    # Resources that cannot load here (the NHS fonts from assets.nhs.uk when there is no network)
    # are not the policy's doing: a refusal by the policy says "Content Security Policy".
    page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}")
            if message.type == "error" and "net::ERR_" not in message.text else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return problems


def _violations(page) -> list[str]:
    return page.evaluate("() => window.__cspViolations || []")


def _report_with_rows(ics, occupation):
    from tests.planning.factories import GapReportFactory, GapReportRowFactory

    report = GapReportFactory(horizon_years=3)
    region = ics.region
    for year in (1, 2, 3):
        demand, supply = Decimal(1234.5 * year), Decimal(400 * year)
        for level, code, name in (("ics", ics.code, ics.name), ("region", region.code, region.name),
                                  ("national", "E92000001", "England")):
            GapReportRowFactory(report=report, level=level, code=code, name=name, occupation=occupation,
                                year=year, demand_fte=demand, supply_fte=supply)
    return report


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dashboard_charts_hub_chart_and_api_docs_run_with_no_policy_violation(live_server, page):
    from tests.browser import sign_in
    from tests.hubs.factories import ActivityFactory, PartnershipFactory

    # given a report for an ICS, a hub with activities, and a staff user
    ics = IntegratedCareSystemFactory(region=RegionFactory(code="Y62", name="North West"))
    _report_with_rows(ics, OccupationFactory())
    from tests.factories import CollegeFactory, HubFactory, TrustFactory

    hub = HubFactory(region=ics.region)
    partnership = PartnershipFactory(college=CollegeFactory(hub=hub, ics=ics), trust=TrustFactory(ics=ics))
    ActivityFactory(partnership=partnership)
    UserFactory(staff=True, username="cspstaff")
    problems = _watch(page)
    sign_in(page, live_server, "cspstaff")

    # when the ICS dashboard draws its charts
    page.goto(f"{live_server.url}/dashboards/ics/{ics.code}/")
    for chart in ("gap", "coverage"):
        page.locator(f'[data-chart="{chart}"]').wait_for(state="visible")
        assert page.evaluate(f"() => !!Chart.getChart(document.getElementById('chart-{chart}'))")
    # then the NHS.UK frontend started too (its header menu script ran), and nothing was blocked
    assert page.evaluate("() => document.body.classList.contains('nhsuk-frontend-supported')")
    assert _violations(page) == []

    # when the hub page draws its activity chart
    page.goto(f"{live_server.url}/hubs/{hub.region.code}/")
    page.locator("[data-hubs-chart]").wait_for(state="visible")
    assert _violations(page) == []

    # when the API documentation starts Swagger UI from the portal's own files
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.locator(".swagger-ui .information-container").wait_for(state="visible")
    assert _violations(page) == []

    # and no page logged an error (a blocked script or style is logged as one)
    assert problems == []
