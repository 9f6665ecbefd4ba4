from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from vendorrisk.i18n import lazy_gettext as _l
from vendorrisk.sharing.domain import Holding
from vendorrisk.text import MAX_TEXT


class OffboardForm(FlaskForm):
    reason = StringField(_l("Why the relationship ends (the firm reads this)"),
                         validators=[DataRequired(), Length(max=200)])
    version = HiddenField()


class CertificateForm(FlaskForm):
    certificate = FileField(_l("Signed certificate of return or destruction (PDF)"))


class ConfirmForm(FlaskForm):
    outcome = SelectField(_l("The data was"), choices=[
        SelectChoice(Holding.DESTROYED.value, _l("destroyed")),
        SelectChoice(Holding.RETURNED.value, _l("returned"))])
    note = TextAreaField(_l("Note (optional)"), validators=[Length(max=MAX_TEXT)])


class PurgeForm(FlaskForm):
    confirm_name = StringField(_l("Type the firm's name to confirm"),
                               validators=[DataRequired(), Length(max=200)])
