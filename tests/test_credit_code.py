import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from portal import credit_code
from portal.credit_code import ALPHABET, validate_credit_code

# The worked example of GB 32100-2015.
STANDARD_EXAMPLE = "91350100M000100Y43"

codes = st.builds(
    lambda authority, category, division, body: credit_code.build(
        authority=authority, category=category, division=division, organisation_body=body
    ),
    st.sampled_from("159Y"),
    st.sampled_from("123"),
    st.from_regex(r"33[0-9]{4}", fullmatch=True),
    st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8),
)


def test_the_standard_example_is_valid():
    validate_credit_code(STANDARD_EXAMPLE)


def test_lower_case_and_surrounding_spaces_are_accepted():
    validate_credit_code(f"  {STANDARD_EXAMPLE.lower()} ")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("91350100M000100Y44", "check"),
        ("91350100M000100I43", "characters"),
        ("9135A100M000100Y43", "characters"),
        ("", "length"),
    ],
)
def test_malformed_codes_are_refused_with_the_reason(value, code):
    with pytest.raises(ValidationError) as refused:
        validate_credit_code(value)
    assert refused.value.code == code


@given(codes)
def test_every_built_code_is_valid(value):
    validate_credit_code(value)


@given(codes, st.integers(min_value=0, max_value=17), st.sampled_from(ALPHABET))
def test_any_single_character_corruption_is_detected(value, position, replacement):
    if value[position] == replacement:
        return
    corrupted = value[:position] + replacement + value[position + 1 :]
    with pytest.raises(ValidationError):
        validate_credit_code(corrupted)


def test_the_organisation_check_follows_gb_11714():
    # GB 11714's example body D2143569 has check character X.
    assert credit_code.organisation_check_character("D2143569") == "X"
    # ... and so does the organisation code inside the standard's example.
    assert credit_code.organisation_check_character("M000100Y") == "4"
