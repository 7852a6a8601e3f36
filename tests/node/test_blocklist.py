"""Blocklist import/export: Mastodon's domain-block CSV and plain text."""

from __future__ import annotations

from pathlib import Path

import pytest

from node.domain.blocklist import (
    CSV_HEADER,
    BlockEntry,
    BlocklistDiff,
    BlocklistError,
    ParseResult,
    RowError,
    diff,
    parse_csv,
    parse_text,
    to_csv,
    to_text,
)

HEADER = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate"

# A domain-block export as Mastodon 4.x writes it (Administration > Federation >
# Export): the header from Admin::ExportDomainBlocksController#export_headers in
# mastodon/mastodon (app/controllers/admin/export_domain_blocks_controller.rb), one
# row per block in id order, Ruby's CSV quoting, booleans as true/false, an empty
# cell for no public comment. Compare spec/fixtures/files/domain_blocks.csv there.
# "#obfuscate" only hides the domain in Mastodon's public listing: the export
# carries the real domain. Domains are fictional (.example).
MASTODON_EXPORT = """\
#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate
spam-farm.example,suspend,false,false,Spam,false
harassment.example,suspend,true,true,"Harassment, doxxing",true
bots.example,silence,false,false,Unmoderated bot network,false
nsfw-media.example,noop,true,false,Unmarked explicit media,false
quiet.example,silence,false,true,,false
"""

EXPECTED = [
    BlockEntry("spam-farm.example", "suspend", False, False, "Spam", False),
    BlockEntry("harassment.example", "suspend", True, True, "Harassment, doxxing", True),
    BlockEntry("bots.example", "silence", False, False, "Unmoderated bot network", False),
    BlockEntry("nsfw-media.example", "noop", True, False, "Unmarked explicit media", False),
    BlockEntry("quiet.example", "silence", False, True, "", False),
]


def _errors(result: ParseResult) -> tuple[RowError, ...]:
    """The errors, checking nothing can be imported alongside them."""
    assert not result.ok
    with pytest.raises(BlocklistError) as raised:
        result.require_valid()
    assert raised.value.errors == result.errors
    return result.errors


def test_mastodon_export_parses() -> None:
    result = parse_csv(MASTODON_EXPORT)
    assert result.ok
    assert result.errors == ()
    assert result.require_valid() == EXPECTED
    assert tuple(HEADER.split(",")) == CSV_HEADER


def test_empty_cells_take_mastodon_defaults() -> None:
    text = f"{HEADER}\nplain.example,,,,,\nloud.example,SILENCE,TRUE,False, kept ,tRuE\n"
    assert parse_csv(text).require_valid() == [
        BlockEntry("plain.example", "suspend", False, False, "", False),
        BlockEntry("loud.example", "silence", True, False, " kept ", True),
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("bad.example,ban,false,false,,false", "#severity: expected suspend, silence or noop"),
        ("bad.example,suspend,yes,false,,false", "#reject_media: expected true or false"),
        ("bad.example,suspend,false,0,,false", "#reject_reports: expected true or false"),
        ("bad.example,suspend,false,false,,maybe", "#obfuscate: expected true or false"),
        (",suspend,false,false,,false", "empty domain"),
        ("  ,suspend,false,false,,false", "empty domain"),
        ("not a domain,suspend,false,false,,false", "invalid domain"),
        ("bad.example/path,suspend,false,false,,false", "invalid domain"),
        ("-bad.example,suspend,false,false,,false", "invalid domain"),
        ("bad.example:99999,suspend,false,false,,false", "invalid port"),
        ("ex*mple.example,suspend,false,false,,true", "obfuscated domain cannot be imported"),
        ("bad.example,suspend,false,false", "expected 6 columns, got 4"),
        ("bad.example,suspend,false,false,Spam, lies,false", "expected 6 columns, got 7"),
    ],
)
def test_each_bad_row_is_reported_by_line(row: str, message: str) -> None:
    text = f"{HEADER}\ngood.example,suspend,false,false,,false\n{row}\nalso-good.example,,,,,\n"
    errors = _errors(parse_csv(text))
    assert [error.line for error in errors] == [3]
    assert message in errors[0].message
    assert str(errors[0]).startswith("line 3: ")


def test_every_bad_row_is_reported_and_lines_count_physical_lines() -> None:
    text = (
        f"{HEADER}\n"  # 1
        'one.example,suspend,false,false,"two-line\ncomment",false\n'  # 2-3
        "\n"  # 4
        "two.example,severe,false,false,,false\n"  # 5
        "one.example,suspend,false,false,,false\n"  # 6
        "three.example,silence,nope,false,,perhaps\n"  # 7
    )
    errors = _errors(parse_csv(text))
    assert [(error.line, error.message.split(":")[0]) for error in errors] == [
        (5, "#severity"),
        (6, "duplicate domain one.example (line 2)"),
        (7, "#reject_media"),
        (7, "#obfuscate"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        "example.com,suspend,false,false,,false\n",  # the header is required
        "#domain,#severity\nexample.com,suspend\n",
        f"{HEADER},#reject_follows\nexample.com,suspend,false,false,,false,false\n",
    ],
)
def test_header_is_required(text: str) -> None:
    errors = _errors(parse_csv(text))
    assert len(errors) == 1
    assert errors[0].message == f"expected the header {HEADER}"
    assert errors[0].line == 1


def test_byte_order_mark_and_crlf_are_accepted() -> None:
    text = "\ufeff" + MASTODON_EXPORT.replace("\n", "\r\n")
    assert parse_csv(text).require_valid() == EXPECTED


def test_malformed_quoting_is_reported() -> None:
    text = f'{HEADER}\nok.example,,,,,\nbad.example,suspend,false,false,"open quote,false\n'
    errors = _errors(parse_csv(text))
    assert errors[0].line == 3
    assert errors[0].message.startswith("malformed CSV")


def test_spellings_of_one_domain_are_duplicates() -> None:
    text = (
        f"{HEADER}\n"
        "Example.COM.,suspend,false,false,,false\n"
        "example.com:443,silence,false,false,,false\n"
        "EXAMPLE.com,noop,true,false,,false\n"
        "example.com:8443,suspend,false,false,,false\n"  # another port: another peer
    )
    errors = _errors(parse_csv(text))
    assert errors == (
        RowError(3, "duplicate domain example.com (line 2)"),
        RowError(4, "duplicate domain example.com (line 2)"),
    )


def test_domains_are_normalised() -> None:
    text = f"{HEADER}\nBücher.Example.,silence,,,,\nexample.org:443,,,,,\nexample.net:8443,,,,,\n"
    assert [entry.domain for entry in parse_csv(text).require_valid()] == [
        "xn--bcher-kva.example",
        "example.org",
        "example.net:8443",
    ]
    unicode_and_punycode = f"{HEADER}\nbücher.example,,,,,\nxn--bcher-kva.example,,,,,\n"
    assert _errors(parse_csv(unicode_and_punycode)) == (
        RowError(3, "duplicate domain xn--bcher-kva.example (line 2)"),
    )


def test_entries_must_hold_normalised_domains() -> None:
    with pytest.raises(ValueError, match="not normalised"):
        BlockEntry("Example.COM")
    with pytest.raises(ValueError, match="obfuscated"):
        BlockEntry("ex*mple.com")


def test_plain_text_with_comments() -> None:
    text = (
        "# Shared list of the coalition, 2024-05\r\n"
        "\r\n"
        "spam-farm.example\r\n"
        "  Harassment.Example.  \r\n"
        "   # indented comment\r\n"
        "bücher.example\r\n"
    )
    assert parse_text(text).require_valid() == [
        BlockEntry("spam-farm.example"),
        BlockEntry("harassment.example"),
        BlockEntry("xn--bcher-kva.example"),
    ]
    assert parse_text("").require_valid() == []


def test_plain_text_errors_by_line() -> None:
    text = "# list\nok.example\nEXAMPLE.com\nnot a domain\nexample.com:443\nex*mple.org\n"
    assert _errors(parse_text(text)) == (
        RowError(4, "invalid domain 'not a domain'"),
        RowError(5, "duplicate domain example.com (line 3)"),
        RowError(6, "obfuscated domain cannot be imported"),
    )


def test_diff_shows_added_changed_unchanged_and_never_removals() -> None:
    kept = BlockEntry("kept.example", "suspend")
    same = BlockEntry("same.example", "silence", public_comment="bots")
    old = BlockEntry("softer.example", "silence")
    current = {entry.domain: entry for entry in (kept, same, old)}
    new = BlockEntry("softer.example", "suspend", reject_media=True)
    added = BlockEntry("new.example")
    again = BlockEntry("same.example", "silence", public_comment="bots")
    result = diff(current, [added, new, again])
    assert result == BlocklistDiff(added=(added,), changed=((old, new),), unchanged=(same,))
    assert diff({}, []) == BlocklistDiff((), (), ())


def test_csv_export_format_and_round_trip() -> None:
    entries = [
        *EXPECTED,
        BlockEntry("xn--bcher-kva.example", "noop", True, True, 'Said "no",\nthen left', True),
        BlockEntry("example.net:8443"),
    ]
    text = to_csv(entries)
    assert text.splitlines()[0] == HEADER
    assert text.splitlines()[1:3] == [
        "bots.example,silence,false,false,Unmoderated bot network,false",
        "example.net:8443,suspend,false,false,,false",
    ]
    assert '"Harassment, doxxing"' in text
    by_domain = sorted(entries, key=lambda entry: entry.domain)
    assert parse_csv(text).require_valid() == by_domain
    assert parse_csv(to_csv(parse_csv(MASTODON_EXPORT).require_valid())).require_valid() == sorted(
        EXPECTED, key=lambda entry: entry.domain
    )
    assert to_csv([]) == HEADER + "\n"


def test_text_export_round_trip() -> None:
    text = to_text(EXPECTED)
    assert text.splitlines() == sorted(entry.domain for entry in EXPECTED)
    assert parse_text(text).require_valid() == [
        BlockEntry(entry.domain) for entry in sorted(EXPECTED, key=lambda entry: entry.domain)
    ]


async def test_subdomain_and_port_blocks(tmp_path: Path) -> None:
    """A block on a domain covers its subdomains and every port; an allow does not undo it."""
    from node.clock import SystemClock
    from node.domain.trust import Level, TrustService
    from node.storage import Store

    store = Store(tmp_path / "node.db")
    await store.open()
    try:
        trust = TrustService(store, SystemClock())
        await trust.set_level("Example.COM.", Level.BLOCKED, who="test")
        await trust.set_level("good.example.com", Level.TRUSTED, who="test")
        for host in ("example.com", "a.b.example.com:8443", "good.example.com", "EXAMPLE.com:443"):
            assert await trust.level(host) is Level.BLOCKED, host
        assert await trust.level("example.org") is Level.UNKNOWN
        assert await trust.level("notexample.com") is Level.UNKNOWN
    finally:
        await store.close()
