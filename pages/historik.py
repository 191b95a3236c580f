"""Historik: every upload with counts, who and when; undo; download what an upload brought."""

import streamlit as st

from dashboard import data, ui
from dashboard.context import page_context
from dashboard.filters import PARTICIPANT_FILTERS
from dashboard.upload import history_table, undone_text
from loaders.history import UndoRefused, list_uploads, undo, upload_forbund, upload_rows
from loaders.importer import ImportBusy

ctx = page_context("historik", ignores=("insats", *PARTICIPANT_FILTERS))
engine = data.engine(ctx.database_url)
scope = None if ctx.viewer.role == "admin" else set(ctx.viewer.forbund)
uploads = list_uploads(engine, forbund=scope)
if not uploads:
    st.info("Inga uppladdningar ännu.")
    st.stop()

listing = st.empty()
listing.dataframe(history_table(uploads), hide_index=True, width="stretch")

ids = [u["id"] for u in uploads]
chosen = st.selectbox("Välj uppladdning", ids, key="history_upload",
                      format_func=lambda i: f"Uppladdning {i}")
rows = upload_rows(engine, chosen, forbund=scope)
if rows:
    st.download_button(f"Ladda ner raderna i uppladdning {chosen} (xlsx)",
                       ui.workbook_bytes(rows),
                       f"uppladdning-{chosen}.xlsx", icon=":material/download:",
                       key="history_download", on_click="ignore")

upload = next(u for u in uploads if u["id"] == chosen)
if upload["status"] == "committed" and scope is not None \
        and not upload_forbund(engine, chosen) <= scope:
    st.info(f"Uppladdning {chosen} gäller även andra förbund och kan bara ångras av en "
            "administratör.")
elif upload["status"] == "committed":
    controls = st.empty()
    with controls.container():
        confirm = st.checkbox(f"Jag vill ångra uppladdning {chosen} och återställa de "
                              "tidigare värdena.", key="undo_confirm")
        clicked = st.button("Ångra uppladdningen", disabled=not confirm, key="undo_button")
    if clicked:
        try:
            result = undo(engine, chosen, user=ctx.viewer.username)
        except (UndoRefused, ImportBusy) as err:
            st.error(str(err))
        else:
            data.current_version.clear()
            # drawn again in this run: the table says Ångrad, the undo controls go
            listing.dataframe(history_table(list_uploads(engine, forbund=scope)),
                              hide_index=True, width="stretch")
            controls.empty()
            st.success(undone_text(result))
