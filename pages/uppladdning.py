"""Uppladdning: template and guide, upload, validation report, preview, commit."""

import hashlib
from datetime import date

import streamlit as st

from dashboard import data, escape
from dashboard.context import page_context
from dashboard.filters import PARTICIPANT_FILTERS
from dashboard.upload import (
    UPLOAD_HINT,
    UPLOAD_HINT_STYLE,
    check_upload,
    commit,
    csv_hint,
    guide_for,
    issue_tables,
    kpi_moves,
    nothing_to_save,
    saved_text,
    template_for,
    undone_text,
)
from loaders.contract import SHEETS_BY_TABLE
from loaders.history import UndoRefused, undo
from loaders.importer import ImportBusy
from loaders.issues import summary
from loaders.preview import changed_values

ctx = page_context("uppladdning", ignores=("insats", *PARTICIPANT_FILTERS))
engine = data.engine(ctx.database_url)
scope_text = ("alla förbund" if ctx.viewer.role == "admin"
              else escape.markdown(", ".join(ctx.viewer.forbund)))
st.markdown(f"Ladda upp kvartalets uppgifter för **{scope_text}**. Uppladdningen sparas "
            "bara om hela filen är korrekt – annars ändras ingenting.")

with st.expander("Mall och instruktioner"):
    st.download_button("Ladda ner mallen (xlsx)", template_for(ctx.viewer), "finsam-mall.xlsx",
                       icon=":material/download:", key="template_download",
                       on_click="ignore")
    st.markdown(guide_for(ctx.viewer))

st.html(UPLOAD_HINT_STYLE)
uploaded = st.file_uploader("Välj filerna: en arbetsbok (xlsx) eller CSV-filer, en per blad",
                            type=["xlsx", "csv"], accept_multiple_files=True,
                            key="upload_files")
st.caption(csv_hint(ctx.viewer))
st.caption(UPLOAD_HINT)
files = [(f.name, f.getvalue()) for f in uploaded or []]
if not files:
    st.stop()

digest = hashlib.sha256(b"".join(n.encode() + d for n, d in sorted(files))).hexdigest()
if st.session_state.get("upload_digest") == digest and "upload_result" in st.session_state:
    # saved in an earlier run: its preview is history now
    done = st.session_state["upload_result"]
    note, undo_slot = st.empty(), st.empty()
    note.success(saved_text(done))
    if not undo_slot.button("Ångra uppladdningen", key="upload_undo"):
        st.stop()
    try:
        undone = undo(engine, done.upload_id, user=ctx.viewer.username)
    except (UndoRefused, ImportBusy) as err:
        st.error(str(err))
        st.stop()
    data.current_version.clear()
    undo_slot.empty()
    note.success(undone_text(undone))
    st.session_state.pop("upload_digest")  # the file, still chosen, is checked again below
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
    grouped, every = issue_tables(issues)
    st.markdown("**Problem per sort**")
    st.dataframe(grouped, hide_index=True, width="stretch")
    st.markdown("**Alla problem**")
    st.dataframe(every, hide_index=True, width="stretch")
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
    st.markdown("**Nyckeltal som ändras** (det år sidorna öppnar på)")
    st.dataframe(moves, hide_index=True, width="stretch")
if (reason := nothing_to_save(report)) is not None:
    st.info(reason)
    st.stop()

save_slot = st.empty()
if save_slot.button("Spara uppladdningen", type="primary", key="upload_commit"):
    try:
        done = commit(engine, check, ctx.viewer.username)
    except ImportBusy as err:
        st.error(str(err))
        st.stop()
    if done.status == "committed":
        st.session_state["upload_result"] = done
        data.current_version.clear()
        save_slot.empty()  # saved: never offered twice
        st.success(saved_text(done))
        st.button("Ångra uppladdningen", key="upload_undo")  # handled in the next run, above
    elif done.status == "duplicate":
        st.info(f"Filen sparades redan som uppladdning {done.duplicate_of}.")
    else:
        st.warning("Inget att spara – uppgifterna finns redan.")
