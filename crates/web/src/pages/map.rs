//! The SVG map of units, drawn by the server from the boundaries projected at start-up.

use crate::state::AppState;
use dieuhanh_store::units::Unit;
use std::collections::{HashMap, HashSet};

pub struct MapShape {
    pub code: String,
    pub name: String,
    pub d: String,
    /// CSS classes: the unit's kind, and `hit` / `current` for highlighted units.
    pub class: String,
}

pub struct MapView {
    pub width: String,
    pub height: String,
    pub inset: Option<(String, String, String, String)>,
    pub shapes: Vec<MapShape>,
}

/// The map with `highlight` units marked (search hits or the unit being viewed).
pub fn view(
    state: &AppState,
    units: &[Unit],
    highlight: &HashSet<&str>,
    mark: &str,
) -> Option<MapView> {
    let geo = state.geography.as_ref()?;
    let by_code: HashMap<&str, &Unit> = units.iter().map(|u| (u.code.as_str(), u)).collect();
    let fmt = |x: f64| format!("{x:.1}");
    Some(MapView {
        width: fmt(geo.map.width),
        height: fmt(geo.map.height),
        inset: geo
            .map
            .inset_box
            .map(|(x, y, w, h)| (fmt(x), fmt(y), fmt(w), fmt(h))),
        shapes: geo
            .map
            .paths
            .iter()
            .map(|p| {
                let unit = by_code.get(p.code.as_str());
                let mut class = unit
                    .map(|u| u.kind.as_str().to_string())
                    .unwrap_or_default();
                if highlight.contains(p.code.as_str()) {
                    class.push(' ');
                    class.push_str(mark);
                }
                MapShape {
                    code: p.code.clone(),
                    name: unit
                        .map(|u| u.name.clone())
                        .unwrap_or_else(|| p.code.clone()),
                    d: p.d.clone(),
                    class,
                }
            })
            .collect(),
    })
}
