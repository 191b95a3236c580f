"""Streamlit entry point: login, the pages the viewer's role may open, shared filters."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import auth
from dashboard.config import settings
from dashboard.context import PAGES, PageContext, pages_for, set_context
from dashboard.data import filter_options, frames_for, frames_of_forbund
from dashboard.filters import sidebar_filters

st.set_page_config(page_title="Finsam-dashboard", page_icon=":material/monitoring:",
                   layout="wide")
conf = settings()
if conf.demo:
    st.sidebar.warning("**Demo** – fiktiva förbund och deltagare.", icon="🧪")

try:
    viewer = auth.viewer(conf, auth.secrets())
except auth.ConfigurationError as err:
    st.error(str(err))
    st.stop()

if viewer is None:
    if conf.demo:
        auth.demo_credentials_notice()
    st.stop()

version, frames = frames_for(conf.database_url, viewer)
st.sidebar.markdown(f"**{viewer.name}**  \n{viewer.role_label}")
auth.logout_button()
filters = sidebar_filters(filter_options(frames, version, viewer, date.today()))
if filters is None:
    st.stop()
frames = frames_of_forbund(conf.database_url, version, viewer, filters.selection.forbund[0])
set_context(PageContext(viewer=viewer, frames=frames, filters=filters, version=version,
                        threshold=conf.suppress, demo=conf.demo,
                        database_url=conf.database_url))
navigation = st.navigation([
    st.Page(PAGES[key][1], title=PAGES[key][0], icon=PAGES[key][2], url_path=key,
            default=(i == 0))
    for i, key in enumerate(pages_for(viewer.role))
])
navigation.run()
