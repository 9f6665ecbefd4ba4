from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from vendorrisk.forms import MultiCheckboxField
from vendorrisk.i18n import lazy_gettext as _l
from vendorrisk.labels import choices
from vendorrisk.sharing.domain import Channel, CountUnit
from vendorrisk.text import MAX_TEXT
from vendorrisk.vendors.domain import DataCategory


class EngagementForm(FlaskForm):
    # Required fields are checked by the service, whose messages say what is missing.
    title = StringField(_l("Title"), validators=[Length(max=200)])
    client_reference = StringField(_l("Client"), validators=[Length(max=200)])
    purpose = TextAreaField(_l("Purpose: why the firm needs our clients' data"),
                            validators=[Length(max=MAX_TEXT)])
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    planned_end_on = DateField(_l("Planned end"), validators=[Optional()])
    owner_id = SelectField(_l("Owner"), choices=[], validate_choice=False)  # the service checks
    version = HiddenField()


class DisclosureForm(FlaskForm):
    # Not validated against the choices here: the service names an unknown kind in its message.
    categories = MultiCheckboxField(_l("Kinds of client data"), choices=choices(DataCategory),
                                    validate_choice=False)
    approx_count = IntegerField(_l("Approximately how many"), validators=[Optional()])
    count_unit = SelectField(_l("Of"), choices=choices(CountUnit))
    channel = SelectField(_l("Channel"), choices=choices(Channel))
    disclosed_on = DateField(_l("Disclosed on"), validators=[Optional()])
    return_by = DateField(_l("To be returned or destroyed by"), validators=[Optional()])
    approved_by_id = SelectField(_l("Approved by"), choices=[], validate_choice=False)
    override_reason = TextAreaField(_l("Override: why it must go anyway"),
                                    validators=[Length(max=MAX_TEXT)])


class CloseForm(FlaskForm):
    version = HiddenField()
