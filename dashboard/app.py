"""Streamlit entry point: login, the pages the viewer's role may open, shared filters."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import partial

import streamlit as st

from dashboard import a11y, auth, escape, presentation
from dashboard.config import settings
from dashboard.context import (
    DEFAULT_PATH,
    PAGES,
    STATEMENT,
    STATEMENT_PATH,
    PageContext,
    not_open_page,
    other_pages_note,
    pages_for,
    run_page,
    set_context,
    unknown_address,
    unknown_page,
)
from dashboard.data import filter_options, frames_for, frames_of_forbund, non_demo_forbund_count
from dashboard.filters import sidebar_filters

presentation.page_config()
presentation.style()
a11y.page_setup()
conf = settings()
demo = auth.demo_mode(conf, lambda: non_demo_forbund_count(conf.database_url))
conf = replace(conf, demo=demo.active)
if conf.demo:
    st.sidebar.warning("**Demo** – fiktiva förbund och deltagare.", icon=":material/science:")

secrets = auth.secrets()
try:
    viewer = auth.viewer(conf, secrets)
except auth.ConfigurationError as err:
    if demo.refusal:
        st.warning(demo.refusal)
    st.error(str(err))
    st.stop()

# Open to everyone, logged in or not (lag 2018:1937); linked from the login page and sidebar.
statement = st.Page(STATEMENT[1], title=STATEMENT[0], icon=STATEMENT[2], url_path=STATEMENT_PATH,
                    visibility="hidden")
unknown = unknown_address()
if viewer is None:
    # Every page's address shows the login form, so the page a shared link names is still
    # the current page when the form logs in (and its query parameters stay in the URL); an
    # address naming no page too, so Streamlit shows no English "Page not found".
    # The default page lives at "/", so its own name gets a page of its own (/oversikt).
    login = partial(auth.login_page, conf, secrets, demo.refusal, statement)
    st.navigation([st.Page(login, title="Logga in", url_path=DEFAULT_PATH, default=True)]
                  + [st.Page(login, title="Logga in", url_path=key)
                     for key in [*PAGES, *([unknown] if unknown else [])]]
                  + [statement], position="hidden").run()
    st.stop()

version, frames = frames_for(conf.database_url, viewer)
st.sidebar.markdown(f"**{escape.markdown(viewer.name)}**  \n{viewer.role_label}")
if note := other_pages_note(viewer.role):
    st.sidebar.caption(note)
auth.logout_button(conf)
presentation.toggle()
filters = sidebar_filters(filter_options(frames, version, viewer, date.today()))
if filters is None:
    st.stop()
frames = frames_of_forbund(conf.database_url, version, viewer, filters.selection.forbund[0])
set_context(PageContext(viewer=viewer, frames=frames, filters=filters, version=version,
                        threshold=conf.suppress, demo=conf.demo,
                        database_url=conf.database_url))
allowed = [st.Page(PAGES[key][1], title=PAGES[key][0], icon=PAGES[key][2],
                   url_path=DEFAULT_PATH if i == 0 else key, default=(i == 0))
           for i, key in enumerate(pages_for(viewer.role))]
# The other addresses get hidden pages that only say, in Swedish, why there is nothing here;
# they are functions, never the page files, so no page script runs for a role it is not for.
refusals = [st.Page(partial(not_open_page, key, viewer.role_label, allowed[0]),
                    title=PAGES[key][0], icon=PAGES[key][2], url_path=key, visibility="hidden")
            for key in PAGES if key not in pages_for(viewer.role)]
# The default page's address is "/": its name (/oversikt, from a typed or old link) opens it.
home = pages_for(viewer.role)[0]
refusals.append(st.Page(partial(run_page, home), title=PAGES[home][0], icon=PAGES[home][2],
                        url_path=home, visibility="hidden"))
if unknown:
    refusals.append(st.Page(partial(unknown_page, unknown, allowed[0]), title="Sidan finns inte",
                            url_path=unknown, visibility="hidden"))
navigation = st.navigation([*allowed, *refusals, statement])
st.sidebar.page_link(statement, label="Tillgänglighetsredogörelse", icon=STATEMENT[2])
navigation.run()
