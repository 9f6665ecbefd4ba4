from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from vendorrisk.i18n import lazy_gettext as _l


class SendForm(FlaskForm):
    questionnaire = SelectField(_l("Questionnaire"), validators=[InputRequired()])
    contacts = SelectMultipleField(_l("Send the invitation to"), coerce=int,
                                   widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput())
    due_date = DateField(_l("Due date"), validators=[InputRequired()])


class AcceptInvitationForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("Choose a password"), validators=[DataRequired()])
    confirm = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(), EqualTo("password", _l("The two passwords differ."))])


class SubmitForm(FlaskForm):
    name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=200)])
    position = StringField(_l("Your position at the firm"),
                           validators=[DataRequired(), Length(max=200)])
    confirm = BooleanField(_l("I make the statement above"),
                           validators=[DataRequired(_l("Tick the box to make the statement."))])
