"""Reading LG Inform's `data.csv` answer and signing its URLs."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qsl, urlsplit

from collectors.lginform import LgInformSettings, parse_data_csv, period_of_label, query, signed_url

ANSWER = (
    "\ufeffarea,area label,area long label,2018,2023/24,2024/25,Oct - Dec 2025\r\n"
    "area,,,2018,fy_2023_24,fy_2024_25,q_2025_Q3\r\n"
    "E07000901,Ashcombe,Ashcombe District Council,1,40.5,\"1,041\",12\r\n"
    "E07000902,Brackenford,Brackenford District Council,2,:,,-\r\n"
    "Larkfield_CIPFA_Near_Neighbours,Group,Group mean,3,50,51,52\r\n"
)


def test_rows_by_area_and_columns_by_period_are_read():
    found = parse_data_csv(ANSWER, "42", skip_areas=frozenset({"Larkfield_CIPFA_Near_Neighbours"}))
    assert [(v.area_code, v.area_name, str(v.period), v.value) for v in found] == [
        ("E07000901", "Ashcombe", "2023/24", 40.5), ("E07000901", "Ashcombe", "2024/25", 1041.0),
        ("E07000901", "Ashcombe", "2025/26 Q3", 12.0),
    ]  # the calendar year 2018 is no financial period; ':', '' and '-' are values not published


def test_period_labels():
    assert str(period_of_label("Jan - Mar 2026")) == "2025/26 Q4"
    assert str(period_of_label("Apr - Jun 2025")) == "2025/26 Q1"
    assert str(period_of_label("Q2 2025/26")) == "2025/26 Q2"
    assert period_of_label("2018") is None and period_of_label("Feb - Apr 2025") is None


def test_the_signature_is_an_hmac_of_the_decoded_url_up_to_the_key():
    settings = LgInformSettings("my-key", "my-secret", "https://webservices.esd.org.uk/")
    url = signed_url(settings, "data.csv", query("1589", areas=["E07000117", "Group_A"], periods="latest:5"))
    unsigned, signature = url.rsplit("&Signature=", 1)
    assert unsigned == ("https://webservices.esd.org.uk/data.csv?metricType=1589&area=E07000117%2CGroup_A"
                        "&period=latest%3A5&rowGrouping=area&columnGrouping=period&value.valueType=raw"
                        "&ApplicationKey=my-key")  # fmt: skip
    decoded = ("https://webservices.esd.org.uk/data.csv?metricType=1589&area=E07000117,Group_A&period=latest:5"
               "&rowGrouping=area&columnGrouping=period&value.valueType=raw&ApplicationKey=my-key")  # fmt: skip
    expected = base64.b64encode(hmac.new(b"my-secret", decoded.encode(), hashlib.sha1).digest()).decode()
    assert dict(parse_qsl(urlsplit(url).query))["Signature"] == expected
    assert "Signature" not in signed_url(LgInformSettings("token"), "data.csv", [("metricType", "1")])
