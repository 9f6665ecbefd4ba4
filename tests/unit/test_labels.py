"""Every stored value has its own label, even when two enums share a value."""

from __future__ import annotations

from vendorrisk import labels
from vendorrisk.agreements.domain import AgreementStatus
from vendorrisk.assessments.models import AssessmentStatus


def test_equal_values_of_different_enums_keep_their_own_labels(app):
    with app.test_request_context():
        assert labels.label(AssessmentStatus.SENT) == "Sent"
        assert labels.label(AgreementStatus.SENT) == "Sent for signature"


def test_every_labelled_enum_has_a_label_for_each_member():
    enums = {enum_type for enum_type, _member in labels.LABELS}
    missing = [(enum_type.__name__, member) for enum_type in enums for member in enum_type
               if (enum_type, member) not in labels.LABELS]
    assert missing == []
