"""Template tags of the planning pages."""

from django import template

from planning import selectors

register = template.Library()


@register.inclusion_tag("planning/_report_data_changed.html", takes_context=True)
def report_data_changed(context, report):
    """Says when vacancies or course offers changed after `report` was asked for, and offers a new one
    (issue 10.4): one query, two MAX over the data's `updated_at`."""
    changed_at = selectors.data_changed_since(report) if report is not None else None
    return {"report": report, "changed_at": changed_at, "may_request": context.get("may_request", False),
            "in_progress": context.get("in_progress", False)}
