"""The user's alias file (--aliases, kg/entities/aliases.py read_alias_file): cycles,
contradictions, encodings, YAML depth, line separators in cells; and how kg build reports a
bad one (issue 16, item 10). No model needed: a bad alias file fails before it loads."""
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.entities import AliasConfig, read_alias_file
from tests.entity_helpers import build, names
from tests.helpers import analysis_of

OK_ROWS = "alias,canonical,type\n新松,新松机器人自动化股份有限公司,ORG\n沈阳,!沈阳市\n"
OK_RESULT = ({"新松": ("新松机器人自动化股份有限公司", "ORG")}, {frozenset(("沈阳", "沈阳市"))})


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_cycle_is_an_error_naming_the_file_and_line(tmp_path):
    path = write(tmp_path, "aliases.csv", "# three names, each the other's alias\n甲,乙\n乙,丙\n丙,甲\n")
    with pytest.raises(ValueError, match=r"aliases\.csv:2: the aliases form a cycle \(甲 -> 乙 -> 丙 -> 甲, lines 2, 3, 4\)"):
        read_alias_file(path)
    two = write(tmp_path, "two.csv", "甲,乙\n乙,甲\n")
    with pytest.raises(ValueError, match=r"two\.csv:1: .*cycle"):
        read_alias_file(two)


def test_a_chain_maps_every_alias_to_its_last_name_and_a_self_row_is_harmless(tmp_path):
    path = write(tmp_path, "aliases.csv", "哈工大,哈工业大学,ORG\n哈工业大学,哈尔滨工业大学\n哈尔滨工业大学,哈尔滨工业大学\n")
    aliases, forbidden = read_alias_file(path)
    assert aliases == {"哈工大": ("哈尔滨工业大学", "ORG"), "哈工业大学": ("哈尔滨工业大学", None),
                       "哈尔滨工业大学": ("哈尔滨工业大学", None)}
    assert forbidden == set()


def test_a_forbid_that_the_files_own_merges_contradict_is_an_error(tmp_path):
    direct = write(tmp_path, "a.csv", "东财,东北财经大学\n东财,!东北财经大学\n")
    with pytest.raises(ValueError, match=r"a\.csv:2: 东财,!东北财经大学 forbids .*but line 1 merges them"):
        read_alias_file(direct)
    # through a common canonical: 甲 and 乙 are both 丙, so they cannot be kept apart
    shared = write(tmp_path, "b.csv", "甲,丙\n乙,丙\n丁,戊\n乙,!甲\n")
    with pytest.raises(ValueError, match=r"b\.csv:4: .*but lines 1, 2 merge them \(into 丙\)"):
        read_alias_file(shared)
    itself = write(tmp_path, "c.csv", "甲,!甲\n")
    with pytest.raises(ValueError, match=r"c\.csv:1: .*itself"):
        read_alias_file(itself)


def test_a_forbid_of_names_the_file_keeps_apart_is_accepted(tmp_path):
    path = write(tmp_path, "a.csv", "甲,丙\n乙,丁\n乙,!甲\n")
    aliases, forbidden = read_alias_file(path)
    assert aliases == {"甲": ("丙", None), "乙": ("丁", None)} and forbidden == {frozenset(("甲", "乙"))}


def test_one_alias_with_two_canonicals_or_one_canonical_with_two_types_is_an_error(tmp_path):
    path = write(tmp_path, "a.csv", "新松,新松公司\n\n新松,新松集团\n")
    with pytest.raises(ValueError, match=r"a\.csv:3: 新松 is merged with 新松集团, but line 1 merges it with 新松公司"):
        read_alias_file(path)
    typed = write(tmp_path, "b.csv", "苹果,苹果公司,ORG\n果子,苹果公司,PERSON\n")
    with pytest.raises(ValueError, match=r"b\.csv:2: 苹果公司 is given type PERSON, but line 1 gives it ORG"):
        read_alias_file(typed)
    same = write(tmp_path, "c.csv", "新松,新松公司\n新松,新松公司,ORG\n")  # a repeated row is no contradiction
    assert read_alias_file(same)[0] == {"新松": ("新松公司", None)}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_every_encoding_kg_reads_inputs_in(tmp_path, encoding):
    assert read_alias_file(write(tmp_path, "a.csv", OK_ROWS, encoding)) == OK_RESULT


def test_utf16_without_a_byte_order_mark_and_a_yaml_file_in_gbk(tmp_path):
    assert read_alias_file(write(tmp_path, "a.csv", OK_ROWS, "utf-16-le")) == OK_RESULT
    yaml_text = "- [新松, 新松机器人自动化股份有限公司, ORG]\n- {alias: 沈阳, canonical: '!沈阳市'}\n"
    assert read_alias_file(write(tmp_path, "a.yaml", yaml_text, "gbk")) == OK_RESULT


def test_bytes_that_do_not_decode_are_an_error_naming_the_file_and_line(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("新松,新松公司\n".encode() + b"\xff\xfe\xfd,x\n")
    with pytest.raises(ValueError, match=r"a\.csv:2: \d+ undecodable byte"):
        read_alias_file(path)
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\x00\x01\x02\x03" * 50)
    with pytest.raises(ValueError, match=r"b\.csv: binary"):
        read_alias_file(binary)


@pytest.mark.parametrize("text", ["[" * 50_000, "- " + "[" * 3 + "]" * 3 + "\n", "a: {b: [c]}\n",
                                  "- - - x\n"])
def test_deeply_nested_yaml_is_refused_clearly(tmp_path, text):
    path = write(tmp_path, "a.yaml", text)
    with pytest.raises(ValueError, match=r"a\.yaml:1: YAML nested more than 2 levels deep"):
        read_alias_file(path)


def test_yaml_cells_must_be_names_and_are_read_as_written(tmp_path):
    path = write(tmp_path, "a.yaml", "北大: 北京大学\n'yes': no\n1998: 一九九八\n")
    assert read_alias_file(path)[0] == {"北大": ("北京大学", None), "yes": ("no", None), "1998": ("一九九八", None)}
    nested = write(tmp_path, "b.yaml", "北大: 北京大学\n哈工大: [哈尔滨工业大学]\n")
    with pytest.raises(ValueError, match=r"b\.yaml:2: item 2: a cell must be a name"):
        read_alias_file(nested)
    # an anchor used many times stays cheap: cells are never expanded lists
    laughs = write(tmp_path, "c.yaml", "- &a [甲, 乙]\n" + "- *a\n" * 1000)
    assert read_alias_file(laughs)[0] == {"甲": ("乙", None)}


def test_a_line_separator_inside_a_quoted_cell_is_no_row_end(tmp_path):
    path = write(tmp_path, "a.csv", '"新\u2028松",新松公司\n"沈阳\u2029",!沈阳市\n"东\u0085财",东北财经大学\n')
    aliases, forbidden = read_alias_file(path)
    # the separator is a character of the cell; a name never holds a line end, so it goes
    assert aliases == {"新松": ("新松公司", None), "东财": ("东北财经大学", None)}
    assert forbidden == {frozenset(("沈阳", "沈阳市"))}


def test_cells_are_cleaned_like_the_text_so_they_match_its_names(tmp_path):
    # a zero-width space and full-width letters: the text's names have neither after cleaning
    path = write(tmp_path, "a.csv", "Ｂ\u200bＯＥ,京东方科技集团股份有限公司,ORG\n新松,！新松机器人\n")
    aliases, forbidden = read_alias_file(path)
    assert aliases == {"BOE": ("京东方科技集团股份有限公司", "ORG")}
    assert forbidden == {frozenset(("新松", "新松机器人"))}  # a full-width ！ forbids too
    a = analysis_of("京东方科技集团股份有限公司发布新品。BOE表示……", [("京东方科技集团股份有限公司", "ORG"), ("BOE", "ORG")])
    r = build(a, config=AliasConfig(aliases, forbidden))
    assert names(r, "ORG") == {"京东方科技集团股份有限公司"}


def test_kg_build_reports_a_bad_alias_file_with_exit_1_before_any_work(tmp_path):
    corpus = tmp_path / "news"
    corpus.mkdir()
    (corpus / "a.txt").write_text("沈阳市今天很冷。", encoding="utf-8")
    cycle = write(tmp_path, "aliases.csv", "甲,乙\n乙,甲\n")
    deep = write(tmp_path, "aliases.yaml", "[" * 20_000)
    for bad, where in ((cycle, "aliases.csv:1: the aliases form a cycle"), (deep, "aliases.yaml:1: YAML nested")):
        result = CliRunner().invoke(main, ["build", str(corpus), "--out", str(tmp_path / "out"), "--no-cache",
                                           "--aliases", str(bad), "-q"])
        assert result.exit_code == 1, result.output
        assert f"kg: error: {bad.parent}/{where}" in result.output
        assert "bug in kg" not in result.output and "Traceback" not in result.output
        assert not (tmp_path / "out" / "summary.json").exists()
