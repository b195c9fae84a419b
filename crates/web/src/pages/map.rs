//! The SVG maps of units, drawn by the server: the whole province (projected once at
//! start-up) and close-ups of one unit among its neighbours.

use crate::state::AppState;
use dieuhanh_core::geography::MapGeometry;
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

const LOCATOR_WIDTH: f64 = 600.0;

/// The map of every unit with `highlight` units marked (search hits).
pub fn view(
    state: &AppState,
    units: &[Unit],
    highlight: &HashSet<&str>,
    mark: &str,
) -> Option<MapView> {
    let geo = state.geography.as_ref()?;
    Some(render(&geo.map, units, |code| {
        highlight.contains(code).then(|| mark.to_string())
    }))
}

/// The map of every unit, each coloured by the class `class_of` gives it.
pub fn choropleth(
    state: &AppState,
    units: &[Unit],
    class_of: impl Fn(&str) -> Option<String>,
) -> Option<MapView> {
    let geo = state.geography.as_ref()?;
    Some(render(&geo.map, units, class_of))
}

/// A close-up of one unit among its neighbours.
pub fn locator(state: &AppState, units: &[Unit], code: &str) -> Option<MapView> {
    let geo = state.geography.as_ref()?;
    let map = geo.index.locator_map(code, LOCATOR_WIDTH)?;
    Some(render(&map, units, |c| {
        (c == code).then(|| "current".to_string())
    }))
}

fn render(map: &MapGeometry, units: &[Unit], class_of: impl Fn(&str) -> Option<String>) -> MapView {
    let by_code: HashMap<&str, &Unit> = units.iter().map(|u| (u.code.as_str(), u)).collect();
    let fmt = |x: f64| format!("{x:.1}");
    MapView {
        width: fmt(map.width),
        height: fmt(map.height),
        inset: map
            .inset_box
            .map(|(x, y, w, h)| (fmt(x), fmt(y), fmt(w), fmt(h))),
        shapes: map
            .paths
            .iter()
            .map(|p| {
                let unit = by_code.get(p.code.as_str());
                let mut class = unit
                    .map(|u| u.kind.as_str().to_string())
                    .unwrap_or_default();
                if let Some(extra) = class_of(&p.code) {
                    class.push(' ');
                    class.push_str(&extra);
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
    }
}
