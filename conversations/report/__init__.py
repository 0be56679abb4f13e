"""/report — 企业点菜, as a sub-package: the handlers and their states (flow.py), how each question is asked and
what comes next (steps.py; the rules are the service's, services/demand_form.py), the description step
(describe.py), entering without the command (intake.py) and what it shows (views.py)."""

from conversations.report.flow import build

__all__ = ["build"]
