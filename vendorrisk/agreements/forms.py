from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from vendorrisk.agreements.domain import AgreementKind, AgreementStatus
from vendorrisk.i18n import lazy_gettext as _l
from vendorrisk.labels import choices


class AgreementForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=choices(AgreementKind))
    status = SelectField(_l("Status"), choices=choices(AgreementStatus))
    title = StringField(_l("Title or reference"), validators=[Length(max=200)])
    signed_on = DateField(_l("Signed on"), validators=[Optional()])
    effective_on = DateField(_l("Effective from"), validators=[Optional()])
    expires_on = DateField(_l("Expires on"), validators=[Optional()])
    indefinite = BooleanField(_l("Indefinite (no expiry date)"))
    review_on = DateField(_l("Review on (for an indefinite agreement)"), validators=[Optional()])
    our_signatory = StringField(_l("Signed for us by"), validators=[Length(max=200)])
    their_signatory = StringField(_l("Signed for the firm by"), validators=[Length(max=200)])
    survival_months = IntegerField(_l("Confidentiality survives termination for (months)"),
                                   validators=[Optional(), NumberRange(min=1, max=1200)])
    survives_indefinitely = BooleanField(_l("Confidentiality survives indefinitely"))
    notes = TextAreaField(_l("Notes"), validators=[Length(max=5000)])
    document = FileField(_l("Signed agreement (PDF)"))
    version = HiddenField()


class TerminateForm(FlaskForm):
    on = DateField(_l("Terminated on"))
    version = HiddenField()


class CountersignedForm(FlaskForm):
    document = FileField(_l("Countersigned copy (PDF)"))
