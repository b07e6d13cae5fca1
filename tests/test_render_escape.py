"""The HTML escape written out for start-up's sake is html.escape, character for character."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from policyengine.render.common import esc


@given(st.text(alphabet=st.sampled_from("&<>\"'a ;#x日本\u00a0") | st.characters()))
def test_esc_is_html_escape(text: str) -> None:
    assert esc(text) == html.escape(text, quote=True)


def test_esc_escapes_each_special_character_once() -> None:
    assert (
        esc('<a href="x">Tom & Jerry\'s</a>')
        == "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#x27;s&lt;/a&gt;"
    )
