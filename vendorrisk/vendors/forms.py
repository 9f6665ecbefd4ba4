from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional

from vendorrisk.forms import MultiCheckboxField
from vendorrisk.i18n import lazy_gettext as _l
from vendorrisk.labels import choices
from vendorrisk.vendors.domain import Criticality, DataCategory, VendorKind, VendorStatus
from vendorrisk.vendors.service import MAX_RECORD_COUNT


class VendorForm(FlaskForm):
    name = StringField(_l("Firm name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind of firm"), choices=choices(VendorKind))
    services = TextAreaField(_l("Services it provides to us"), validators=[Length(max=4000)])
    website = URLField(_l("Website"), validators=[Optional(), URL(), Length(max=300)])
    city = StringField(_l("City"), validators=[Length(max=100)])
    data_categories = MultiCheckboxField(
        _l("Client data it will touch"), choices=choices(DataCategory), validate_choice=True
    )
    record_count = IntegerField(
        _l("Approximate number of client records"),
        validators=[InputRequired(), NumberRange(min=0, max=MAX_RECORD_COUNT)],
    )
    stores_data = BooleanField(_l("Stores client data on its own systems"))
    uses_subcontractors = BooleanField(_l("Uses subcontractors for this work"))
    criticality = SelectField(_l("Business criticality"), choices=choices(Criticality))
    owner_id = SelectField(_l("Owner (procurement)"), coerce=str)
    version = HiddenField()


class StatusForm(FlaskForm):
    # Offboarding has its own form: it ends access and asks for the data back.
    status = SelectField(_l("Lifecycle status"),
                         choices=[c for c in choices(VendorStatus)
                                  if c.value != VendorStatus.OFFBOARDED.value])
    version = HiddenField()


class ContactForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    role = StringField(_l("Role at the firm"), validators=[Length(max=100)])
    phone = StringField(_l("Phone"), validators=[Length(max=50)])
    is_primary = BooleanField(_l("Primary contact"))
