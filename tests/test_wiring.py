"""Explicit wiring: each domain registers what it adds in its init_app, and the rules a lower
domain must ask (a closed year's figures never change; derived figures follow their inputs)
fail closed: an app without them does not start, and a change asked of no rule is refused."""

from __future__ import annotations

from datetime import date

import pytest

from consortium import rules, wiring
from consortium.web.app import DOMAINS, create_app
from tests.conftest import TEST_CONFIG


def test_the_app_does_not_start_without_the_cost_rules(database_url):
    import consortium.costs

    without_costs = [domain for domain in DOMAINS if domain is not consortium.costs]
    with pytest.raises(wiring.RuleMissing) as refused:
        create_app({**TEST_CONFIG, "DATABASE_URL": database_url}, domains=without_costs)
    assert "ClosedYearGuard" in str(refused.value) and "DerivedFigures" in str(refused.value)


def test_a_change_that_no_rule_answers_is_refused(app):
    """An app whose wiring lacks the guard (as if costs had not registered) refuses the
    change instead of letting a closed year's figure through."""
    with app.app_context():
        kept = wiring.of(app).rules.pop(rules.CLOSED_YEAR_GUARD)
        try:
            with pytest.raises(wiring.RuleMissing):
                rules.refuse_change(rules.MembershipChange(date(2020, 1, 1)))
        finally:
            wiring.provide(app, rules.CLOSED_YEAR_GUARD, kept)
        rules.refuse_change(rules.MembershipChange(date(2020, 1, 1)))  # nothing closed


def test_each_domain_registers_its_jobs_and_periodic_tasks_in_order(app):
    registered = wiring.of(app)
    assert set(registered.job_handlers) == {"statements_zip", "password_reset", "invoices_zip",
                                            "invoice_outbox", "audit.verify"}
    assert [(task.order, task.name) for task in registered.periodic] == [
        (0, "close_motions_whose_time_has_come"), (1, "link_written_events"),
        (5, "remind_before_closing"),
        (10, "hand_over_due"), (20, "prune_finished"), (30, "sign_daily_checkpoint"),
        (35, "verify_when_due")]
    lanes = {task.name: task.lane for task in registered.periodic}
    assert (lanes["hand_over_due"], lanes["link_written_events"]) == ("notices", "chain")
    assert set(registered.rules) == set(rules.REQUIRED)


def test_every_blueprint_is_registered_by_its_domain(app):
    assert sorted(app.blueprints) == ["api", "audit", "auth", "costs", "documents",
                                      "governance", "invoicing", "members", "tools", "web"]
    assert "audit.log" in {rule.endpoint for rule in app.url_map.iter_rules()}
