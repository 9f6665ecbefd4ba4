from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from vendorrisk.text import MAX_TEXT


class OffboardForm(FlaskForm):
    reason = StringField(_l("Why the relationship ends (the firm reads this)"),
                         validators=[DataRequired(), Length(max=200)])
    version = HiddenField()


class CertificateForm(FlaskForm):
    certificate = FileField(_l("Signed certificate of return or destruction (PDF)"))


class ConfirmForm(FlaskForm):
    note = TextAreaField(_l("Note (optional)"), validators=[Length(max=MAX_TEXT)])


class PurgeForm(FlaskForm):
    confirm_name = StringField(_l("Type the firm's name to confirm"),
                               validators=[DataRequired(), Length(max=200)])
