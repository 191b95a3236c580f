"""Uppladdning: template and guide, upload, validation report, preview, commit."""

import hashlib
from datetime import date

import streamlit as st

from dashboard import data, escape
from dashboard.context import page_context
from dashboard.filters import PARTICIPANT_FILTERS
from dashboard.upload import UPLOAD_HINT, UPLOAD_HINT_STYLE, check_upload, commit, kpi_moves
from loaders.contract import SHEETS_BY_TABLE
from loaders.importer import ImportBusy
from loaders.issues import issues_frame, issues_grouped, summary
from loaders.preview import changed_values
from loaders.template import build_template, sheet_guide_markdown

ctx = page_context("uppladdning", ignores=("insats", *PARTICIPANT_FILTERS))
engine = data.engine(ctx.database_url)
scope_text = ("alla förbund" if ctx.viewer.role == "admin"
              else escape.markdown(", ".join(ctx.viewer.forbund)))
st.markdown(f"Ladda upp kvartalets uppgifter för **{scope_text}**. Uppladdningen sparas "
            "bara om hela filen är korrekt – annars ändras ingenting.")

with st.expander("Mall och instruktioner"):
    st.download_button("Ladda ner mallen (xlsx)", build_template(), "finsam-mall.xlsx",
                       icon=":material/download:", key="template_download",
                       on_click="ignore")
    st.markdown(sheet_guide_markdown())

st.html(UPLOAD_HINT_STYLE)
uploaded = st.file_uploader("Välj filerna: en arbetsbok (xlsx) eller CSV-filer, en per blad",
                            type=["xlsx", "csv"], accept_multiple_files=True,
                            key="upload_files")
st.caption(UPLOAD_HINT)
files = [(f.name, f.getvalue()) for f in uploaded or []]
if not files:
    st.stop()

digest = hashlib.sha256(b"".join(n.encode() + d for n, d in sorted(files))).hexdigest()
if st.session_state.get("upload_digest") != digest:
    st.session_state["upload_digest"] = digest
    st.session_state["upload_check"] = check_upload(engine, files, ctx.viewer,
                                                    ctx.viewer.username)
    st.session_state.pop("upload_result", None)
check = st.session_state["upload_check"]
issues = check.parsed.issues

st.subheader("Kontroll")
if issues:
    (st.error if check.parsed.has_errors else st.warning)(summary(issues))
    st.markdown("**Problem per sort**")
    st.dataframe(issues_grouped(issues), hide_index=True, width="stretch")
    st.markdown("**Alla problem**")
    st.dataframe(issues_frame(issues), hide_index=True, width="stretch")
    if check.report_xlsx:
        st.download_button("Ladda ner rapporten med markerade celler (xlsx)",
                           check.report_xlsx, "finsam-kontroll.xlsx",
                           icon=":material/download:", key="report_download",
                           on_click="ignore")
else:
    st.success("Inga problem hittades.")
if check.report is None:
    st.info("Rätta filen och ladda upp den igen. Ingenting har sparats.")
    st.stop()

report = check.report
if report.status == "duplicate":
    st.info(f"Den här filen är redan inläst (uppladdning {report.duplicate_of}). "
            "Ingenting ändras.")
    st.stop()

st.subheader("Förhandsgranskning")
st.dataframe([{"Blad": sheet, "Nya rader": c["added"], "Ändrade rader": c["updated"],
               "Oförändrade rader": c["unchanged"]} for sheet, c in report.counts.items()],
             hide_index=True)
for table, change in report.changes.items():
    if change.updated_new.height:
        with st.expander(f"Ändringar i {SHEETS_BY_TABLE[table].name} (före → efter)"):
            st.dataframe(changed_values(table, change), hide_index=True, width="stretch")
# every förbund the viewer may see: an upload may hold several, not only the selected one
moves = kpi_moves(data.frames_for(ctx.database_url, ctx.viewer)[1], report, date.today(),
                  ctx.threshold)
if moves.height:
    st.markdown("**Nyckeltal som ändras** (senaste hela året)")
    st.dataframe(moves, hide_index=True, width="stretch")
if report.status == "no_change":
    st.info("Alla rader finns redan med samma värden. Det finns inget att spara.")
    st.stop()

if "upload_result" in st.session_state:
    done = st.session_state["upload_result"]
    st.success(f"Uppladdning {done.upload_id} är sparad.")
elif st.button("Spara uppladdningen", type="primary", key="upload_commit"):
    try:
        done = commit(engine, check, ctx.viewer.username)
    except ImportBusy as err:
        st.error(str(err))
        st.stop()
    if done.status == "committed":
        st.session_state["upload_result"] = done
        data.current_version.clear()
        st.success(f"Uppladdning {done.upload_id} är sparad. Översikten visar de nya "
                   "siffrorna.")
    elif done.status == "duplicate":
        st.info(f"Filen sparades redan som uppladdning {done.duplicate_of}.")
    else:
        st.warning("Inget att spara – uppgifterna finns redan.")
