"""Dates in the portal's time zone with the zone named; phone numbers as people write them."""
from datetime import datetime

import pytest

from config import ConfigurationError
from webapp import create_app
from webapp.i18n import local_datetime, phone_number


def test_a_utc_date_is_shown_in_the_portal_zone_with_its_name(app, app_config):
    winter, summer = datetime(2026, 11, 30, 22, 5), datetime(2026, 7, 1, 22, 5)  # stored in UTC
    with app.test_request_context("/?lang=fr"):
        app.preprocess_request()
        assert local_datetime(winter) == "30/11/2026 23:05 (heure : France)"
        assert local_datetime(summer) == "02/07/2026 00:05 (heure : France)"
    noumea = create_app(dict(app_config, PORTAL_TIMEZONE="Pacific/Noumea"))
    with noumea.test_request_context("/?lang=en"):
        noumea.preprocess_request()
        assert local_datetime(winter).startswith("12/1/26, 9:05")
        assert "New Caledonia" in local_datetime(winter)


def test_an_unknown_time_zone_refuses_to_start(app_config):
    with pytest.raises(ConfigurationError, match="PORTAL_TIMEZONE='Europe/Pariss' is not a time zone"):
        create_app(dict(app_config, PORTAL_TIMEZONE="Europe/Pariss"))


@pytest.mark.parametrize("stored, shown", [
    ("+33123456789", "01 23 45 67 89"),
    ("+262692123456", "0692 12 34 56"),  # La Réunion dials like France
    ("+41446681800", "+41 44 668 18 00"),  # abroad: international
    ("not a number", "not a number"),
    ("", ""),
])
def test_phone_numbers_in_national_format_at_home(stored, shown):
    assert phone_number(stored) == shown
