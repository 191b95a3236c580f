"""Streamlit entry point. Until the dashboard pages land, a status page of the database."""

import streamlit as st

from dashboard.config import settings
from loaders.frames import load_frames
from loaders.schema import make_engine

st.set_page_config(page_title="Finsam-dashboard", layout="wide")
conf = settings()
frames = load_frames(make_engine(conf.database_url))
st.title("Finsam-dashboard")
if conf.demo:
    st.info("Demo – fiktiva förbund och deltagare.")
st.write("Antal rader per blad:")
st.dataframe({"Tabell": list(frames), "Rader": [f.height for f in frames.values()]})
