"""The report's grouped view: one line per kind of problem, counted."""

from loaders.issues import Issue, issues_grouped, summary

KON = "Kön ska vara Kvinna, Man eller Annat/ej angivet."
DATE = "Slutdatum ligger före Startdatum."


def issue(row, column, message, severity="error"):
    return Issue("q3.xlsx", "Deltagare", row, column, "x", message, severity)


def test_problems_are_grouped_by_sheet_column_and_message_and_counted():
    issues = [issue(7, "Slutdatum", DATE), issue(3, "Kön", KON), issue(5, "Kön", KON),
              issue(4, "Kön", KON), issue(9, "Utfall", "Text i Utfall sparas som kommentar.",
                                          "warning")]

    grouped = issues_grouped(issues)

    assert grouped.columns == ["Fil", "Blad", "Kolumn", "Problem", "Antal", "Första rad",
                               "Allvarlighet"]
    assert grouped.select("Kolumn", "Antal", "Första rad", "Allvarlighet").rows() == [
        ("Kön", 3, 3, "fel"), ("Slutdatum", 1, 7, "fel"), ("Utfall", 1, 9, "varning")]
    assert summary(issues) == "4 fel och 1 varning."


def test_no_issues_give_an_empty_grouped_table():
    assert issues_grouped([]).height == 0
