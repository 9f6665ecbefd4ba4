from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from vendorrisk.forms import MultiCheckboxField
from vendorrisk.i18n import lazy_gettext as _l
from vendorrisk.incidents.domain import IncidentStatus, NotificationOutcome
from vendorrisk.incidents.service import MAX_RECORDS
from vendorrisk.labels import choices
from vendorrisk.text import MAX_TEXT
from vendorrisk.vendors.domain import DataCategory, RiskTier


class IncidentForm(FlaskForm):
    title = StringField(_l("Short title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("What happened"),
                                validators=[DataRequired(), Length(max=MAX_TEXT)])
    severity = SelectField(_l("Severity"), choices=choices(RiskTier))
    client_data = BooleanField(_l("Our clients' data was involved"))
    data_categories = MultiCheckboxField(_l("Which client data"), choices=choices(DataCategory),
                                         validate_choice=True)
    records_affected = IntegerField(_l("Approximate number of records affected"),
                                    validators=[Optional(), NumberRange(min=0, max=MAX_RECORDS)])
    occurred_on = DateField(_l("Happened on (if known)"), validators=[Optional()])
    detected_on = DateField(_l("Detected on"), validators=[DataRequired()])
    containment = TextAreaField(_l("Containment so far"), validators=[Length(max=MAX_TEXT)])


class InternalIncidentForm(IncidentForm):
    # Deadlines count from here; a partner's report is learnt of when it is sent.
    learnt_at = DateTimeLocalField(_l("We learnt of it at (your time; empty: now)"),
                                   validators=[Optional()])


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=choices(IncidentStatus))
    containment = TextAreaField(_l("Containment"), validators=[Length(max=MAX_TEXT)])
    version = HiddenField()


class NotificationForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=choices(NotificationOutcome))
    note = TextAreaField(_l("How and to whom, or why it is not owed"),
                         validators=[DataRequired(), Length(max=MAX_TEXT)])
