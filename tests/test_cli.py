import json

import pytest

from dashboard.cli import main
from dashboard.users import load_users


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("FINSAM_AUTH_FILE", str(tmp_path / "auth.yaml"))
    return tmp_path


INSATSER = "Förbund;Insats;Årsplatser\nDemoförbundet Test;Steget;12\n"
DELTAGARE = (
    "Förbund;Insats;Deltagar-ID;Kön;Remittent;Startdatum;Slutdatum;Avslutsorsak\n"
    "Demoförbundet Test;Steget;D-1;K;FK;2023-01-10;2023-06-30;Studier\n"
    "Demoförbundet Test;Steget;D-2;M;Af;2023-02-01;;\n"
)


def write(folder, name, text, encoding="utf-8"):
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def test_init_is_idempotent(db, capsys):
    assert main(["init"]) == 0
    assert main(["init"]) == 0
    assert "Databasen är uppdaterad." in capsys.readouterr().out


def test_import_list_and_undo(db, capsys):
    files = [write(db, "Insatser.csv", INSATSER), write(db, "Deltagare.csv", DELTAGARE)]
    assert main(["import", *map(str, files), "--user", "anna"]) == 0
    out = capsys.readouterr().out
    assert "Uppladdning 1 sparad. Insatser: 1 nya, 0 ändrade, 0 oförändrade; " \
           "Deltagare: 2 nya, 0 ändrade, 0 oförändrade." in out

    assert main(["import", *map(str, files)]) == 0
    assert "Filen är redan inläst (uppladdning 1). Inget ändrat." in capsys.readouterr().out

    assert main(["uploads", "--format", "json"]) == 0
    [upload] = json.loads(capsys.readouterr().out)
    assert (upload["id"], upload["user"], upload["files"], upload["status"]) == (
        1, "anna", ["Insatser.csv", "Deltagare.csv"], "committed")

    assert main(["undo", "1"]) == 0
    assert "Uppladdning 1 är ångrad: 3 rader borttagna, 0 rader återställda." in \
        capsys.readouterr().out
    assert main(["undo", "1"]) == 2
    assert "redan ångrad" in capsys.readouterr().err


def test_dry_run_prints_changes_and_saves_nothing(db, capsys):
    path = write(db, "Insatser.csv", INSATSER)
    assert main(["import", str(path), "--dry-run"]) == 0
    assert "Provkörning – inget sparat. Skulle ge: Insatser: 1 nya" in capsys.readouterr().out
    assert main(["uploads", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_rejected_import_exits_2_lists_every_problem_and_saves_nothing(db, capsys):
    bad = DELTAGARE.replace("2023-06-30;Studier", "2022-06-30;Studier").replace(
        "D-2;M;Af;2023-02-01;;", "D-2;X;Af;2023-02-01;;")
    files = [write(db, "Insatser.csv", INSATSER), write(db, "Deltagare.csv", bad, "cp1252")]
    assert main(["import", *map(str, files)]) == 2
    err = capsys.readouterr().err
    assert "Slutdatum" in err and "Kön" in err  # both problems, not just the first
    assert "rad 2, kolumn Slutdatum" in err and "rad 3, kolumn Kön" in err
    assert "Inget har sparats." in err
    assert main(["uploads", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_missing_file_is_rejected(db, capsys):
    assert main(["import", str(db / "saknas.csv")]) == 2
    assert "finns inte" in capsys.readouterr().err


def test_user_add_list_remove(db, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("hemligt-lösen\n"))
    assert main(["user", "add", "eva", "--role", "styrelse", "--forbund", "Demoförbundet Test",
                 "--password-stdin"]) == 0
    user = load_users(db / "auth.yaml")["eva"]
    assert (user.role, user.forbund) == ("styrelse", ("Demoförbundet Test",))
    assert user.password_hash.startswith("$2b$") and "hemligt" not in user.password_hash
    assert main(["user", "list"]) == 0
    assert "eva\tstyrelse\tDemoförbundet Test" in capsys.readouterr().out
    assert main(["user", "remove", "eva"]) == 0
    assert load_users(db / "auth.yaml") == {}


def test_user_scope_is_checked(db, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("hemligt-lösen\n"))
    assert main(["user", "add", "eva", "--role", "styrgrupp", "--forbund", "F",
                 "--password-stdin"]) == 2
    assert "Rollen styrgrupp kräver minst en insats" in capsys.readouterr().err


def test_user_passwd_changes_the_hash_and_revokes_cookies(db, capsys, monkeypatch):
    import io

    import bcrypt

    from dashboard.users import token_versions

    monkeypatch.setattr("sys.stdin", io.StringIO("hemligt-lösen\n"))
    assert main(["user", "add", "eva", "--role", "admin", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("ett-nytt-lösen\n"))

    assert main(["user", "passwd", "eva", "--password-stdin"]) == 0

    assert "alla tidigare inloggningar har upphört" in capsys.readouterr().out
    stored = load_users(db / "auth.yaml")["eva"].password_hash.encode()
    assert bcrypt.checkpw("ett-nytt-lösen".encode(), stored)
    assert token_versions(db / "auth.yaml") == {"eva": 1}


@pytest.mark.parametrize(("name", "password", "message"), [
    ("okänd", "ett-nytt-lösen", "Användaren 'okänd' finns inte."),
    ("eva", "kort", "Lösenordet måste ha minst 8 tecken."),
])
def test_user_passwd_refuses_unknown_users_and_short_passwords(db, capsys, monkeypatch, name,
                                                               password, message):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("hemligt-lösen\n"))
    assert main(["user", "add", "eva", "--role", "admin", "--password-stdin"]) == 0
    before = (db / "auth.yaml").read_bytes()
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{password}\n"))

    assert main(["user", "passwd", name, "--password-stdin"]) == 2

    assert message in capsys.readouterr().err
    assert (db / "auth.yaml").read_bytes() == before


def test_template_command_writes_a_workbook(db, capsys):
    out = db / "mall.xlsx"
    assert main(["template", str(out)]) == 0
    assert out.read_bytes()[:2] == b"PK"
