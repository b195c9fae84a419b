//! Unit boundaries: point lookup through an R-tree, and a server-rendered SVG map.
//!
//! Full-precision polygons answer "which unit contains this point"; a simplified copy,
//! projected once at load time, draws the map.

use geo::{BoundingRect, Intersects, MultiPolygon, Point, Simplify};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};
use std::fmt::Write as _;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum GeoError {
    #[error("boundary file is not valid GeoJSON: {0}")]
    Parse(String),
    #[error("feature {0} has no unit code")]
    MissingCode(usize),
    #[error("feature {0} is not a polygon or multipolygon")]
    NotPolygon(String),
}

/// A WGS 84 coordinate, validated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coordinate {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CoordinateError {
    #[error("latitude must be a number between -90 and 90")]
    Latitude,
    #[error("longitude must be a number between -180 and 180")]
    Longitude,
}

impl Coordinate {
    pub fn new(lat: f64, lon: f64) -> Result<Self, CoordinateError> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(CoordinateError::Latitude);
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(CoordinateError::Longitude);
        }
        Ok(Coordinate { lat, lon })
    }
}

struct UnitShape {
    code: String,
    shape: MultiPolygon<f64>,
}

/// Boundaries of a set of units, indexed for point lookup.
pub struct BoundaryIndex {
    shapes: Vec<UnitShape>,
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
}

impl BoundaryIndex {
    /// Parses a GeoJSON FeatureCollection whose features carry the unit code in
    /// `properties.code` (or, failing that, in the feature id).
    pub fn from_geojson(text: &str) -> Result<Self, GeoError> {
        let collection: geojson::FeatureCollection = text
            .parse()
            .map_err(|e: geojson::Error| GeoError::Parse(e.to_string()))?;
        let mut shapes = Vec::with_capacity(collection.features.len());
        for (i, feature) in collection.features.into_iter().enumerate() {
            let code = feature
                .property("code")
                .and_then(|v| v.as_str().map(str::to_string))
                .or_else(|| match &feature.id {
                    Some(geojson::feature::Id::String(s)) => Some(s.clone()),
                    Some(geojson::feature::Id::Number(n)) => Some(n.to_string()),
                    None => None,
                })
                .ok_or(GeoError::MissingCode(i))?;
            let geometry = feature
                .geometry
                .ok_or_else(|| GeoError::NotPolygon(code.clone()))?;
            let shape: MultiPolygon<f64> = match geo::Geometry::<f64>::try_from(geometry) {
                Ok(geo::Geometry::Polygon(p)) => MultiPolygon(vec![p]),
                Ok(geo::Geometry::MultiPolygon(mp)) => mp,
                _ => return Err(GeoError::NotPolygon(code)),
            };
            shapes.push(UnitShape { code, shape });
        }
        // Deterministic order: lookups on shared edges pick the lowest code.
        shapes.sort_by(|a, b| a.code.cmp(&b.code));
        let tree = RTree::bulk_load(
            shapes
                .iter()
                .enumerate()
                .filter_map(|(i, s)| {
                    s.shape.bounding_rect().map(|r| {
                        GeomWithData::new(
                            Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                            i,
                        )
                    })
                })
                .collect(),
        );
        Ok(BoundaryIndex { shapes, tree })
    }

    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }

    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.shapes.iter().map(|s| s.code.as_str())
    }

    /// The bounding box of a unit's boundary as (south, west, north, east) in degrees,
    /// `None` if the unit has no boundary.
    pub fn bounds(&self, code: &str) -> Option<(f64, f64, f64, f64)> {
        let shape = self.shapes.iter().find(|s| s.code == code)?;
        let r = shape.shape.bounding_rect()?;
        Some((r.min().y, r.min().x, r.max().y, r.max().x))
    }

    /// The code of the unit containing the point. A point on an edge shared by several
    /// units belongs to the one with the lowest code, so the answer is deterministic.
    pub fn locate(&self, at: Coordinate) -> Option<&str> {
        let point = Point::new(at.lon, at.lat);
        let envelope = AABB::from_point([at.lon, at.lat]);
        self.tree
            .locate_in_envelope_intersecting(envelope)
            .map(|candidate| candidate.data)
            .filter(|&i| self.shapes[i].shape.intersects(&point))
            .min()
            .map(|i| self.shapes[i].code.as_str())
    }

    /// Projects and simplifies every boundary into SVG path data for a map.
    /// Codes listed in `inset` are drawn in a separate box in the lower-right corner
    /// (used for Côn Đảo, 80 km out at sea).
    pub fn map_geometry(&self, width: f64, inset: &[&str]) -> MapGeometry {
        let (main, insets): (Vec<&UnitShape>, Vec<&UnitShape>) = self
            .shapes
            .iter()
            .partition(|s| !inset.contains(&s.code.as_str()));
        let main_frame = Frame::fit(&main, width);
        let mut height = main_frame.height;
        let mut paths: Vec<MapPath> = main
            .iter()
            .map(|s| MapPath {
                code: s.code.clone(),
                d: main_frame.path(&s.shape),
            })
            .collect();
        let mut inset_box = None;
        let mut inset_projection = None;
        if !insets.is_empty() {
            const PAD: f64 = 6.0;
            let box_width = (width * 0.2).max(40.0);
            let mut frame = Frame::fit(&insets, box_width - 2.0 * PAD);
            let box_height = frame.height + 2.0 * PAD;
            let (x, y) = (width - box_width, (height - box_height).max(0.0));
            frame.offset = (x + PAD, y + PAD);
            inset_box = Some((x, y, box_width, box_height));
            inset_projection = Some(frame.projection());
            height = height.max(y + box_height);
            paths.extend(insets.iter().map(|s| MapPath {
                code: s.code.clone(),
                d: frame.path(&s.shape),
            }));
        }
        MapGeometry {
            width,
            height,
            paths,
            inset_box,
            projection: main_frame.projection(),
            inset_projection,
        }
    }
}

impl BoundaryIndex {
    /// A close-up map of one unit and its neighbours, framed on the unit with a margin
    /// of half its size on each side. `None` if the unit has no boundary.
    pub fn locator_map(&self, code: &str, width: f64) -> Option<MapGeometry> {
        let unit = self.shapes.iter().find(|s| s.code == code)?;
        let r = unit.shape.bounding_rect()?;
        let (dx, dy) = ((r.max().x - r.min().x) * 0.5, (r.max().y - r.min().y) * 0.5);
        let (min, max) = (
            (r.min().x - dx, r.min().y - dy),
            (r.max().x + dx, r.max().y + dy),
        );
        let frame = Frame::fit_box(min, max, width);
        let envelope = AABB::from_corners([min.0, min.1], [max.0, max.1]);
        let mut neighbours: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(envelope)
            .map(|c| c.data)
            .collect();
        neighbours.sort_unstable();
        Some(MapGeometry {
            width,
            height: frame.height,
            paths: neighbours
                .into_iter()
                .map(|i| MapPath {
                    code: self.shapes[i].code.clone(),
                    d: frame.path(&self.shapes[i].shape),
                })
                .collect(),
            inset_box: None,
            projection: frame.projection(),
            inset_projection: None,
        })
    }
}

/// Projected, simplified boundaries, ready to be drawn.
#[derive(Debug, Clone)]
pub struct MapGeometry {
    pub width: f64,
    pub height: f64,
    pub paths: Vec<MapPath>,
    /// x, y, width, height of the inset box, if any.
    pub inset_box: Option<(f64, f64, f64, f64)>,
    /// How the main area and the inset were projected, to place points and to read a
    /// click back into a coordinate.
    pub projection: Projection,
    pub inset_projection: Option<Projection>,
}

/// An equirectangular projection of one map area (see `Frame`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    min_lon: f64,
    max_lat: f64,
    scale_x: f64,
    scale_y: f64,
    offset: (f64, f64),
}

impl Projection {
    pub fn to_pixel(&self, lat: f64, lon: f64) -> (f64, f64) {
        (
            (lon - self.min_lon) * self.scale_x + self.offset.0,
            (self.max_lat - lat) * self.scale_y + self.offset.1,
        )
    }

    /// (lat, lon) of a pixel.
    pub fn to_coordinate(&self, x: f64, y: f64) -> (f64, f64) {
        (
            self.max_lat - (y - self.offset.1) / self.scale_y,
            (x - self.offset.0) / self.scale_x + self.min_lon,
        )
    }
}

impl MapGeometry {
    /// The coordinate under a pixel of the map (the inset has its own projection).
    pub fn coordinate_at(&self, x: f64, y: f64) -> (f64, f64) {
        match (self.inset_box, self.inset_projection) {
            (Some((bx, by, bw, bh)), Some(p))
                if x >= bx && x <= bx + bw && y >= by && y <= by + bh =>
            {
                p.to_coordinate(x, y)
            }
            _ => self.projection.to_coordinate(x, y),
        }
    }
}

#[derive(Debug, Clone)]
pub struct MapPath {
    pub code: String,
    pub d: String,
}

/// An equirectangular projection scaled by cos(latitude), good enough at city scale.
struct Frame {
    min_lon: f64,
    max_lat: f64,
    scale_x: f64,
    scale_y: f64,
    offset: (f64, f64),
    height: f64,
    tolerance: f64,
}

impl Frame {
    fn fit(shapes: &[&UnitShape], width: f64) -> Frame {
        let mut min = (f64::MAX, f64::MAX);
        let mut max = (f64::MIN, f64::MIN);
        for r in shapes.iter().filter_map(|s| s.shape.bounding_rect()) {
            min = (min.0.min(r.min().x), min.1.min(r.min().y));
            max = (max.0.max(r.max().x), max.1.max(r.max().y));
        }
        Frame::fit_box(min, max, width)
    }

    fn fit_box(min: (f64, f64), max: (f64, f64), width: f64) -> Frame {
        let span_lon = (max.0 - min.0).max(1e-9);
        let span_lat = (max.1 - min.1).max(1e-9);
        let mid_lat = ((min.1 + max.1) / 2.0).to_radians();
        let scale_x = width / span_lon;
        let scale_y = scale_x / mid_lat.cos().max(0.1);
        Frame {
            min_lon: min.0,
            max_lat: max.1,
            scale_x,
            scale_y,
            offset: (0.0, 0.0),
            height: span_lat * scale_y,
            // About half a pixel, in degrees.
            tolerance: 0.5 / scale_x,
        }
    }

    fn projection(&self) -> Projection {
        Projection {
            min_lon: self.min_lon,
            max_lat: self.max_lat,
            scale_x: self.scale_x,
            scale_y: self.scale_y,
            offset: self.offset,
        }
    }

    fn path(&self, shape: &MultiPolygon<f64>) -> String {
        let simplified = shape.simplify(self.tolerance);
        let mut d = String::new();
        for polygon in simplified.iter() {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                for (i, c) in ring.coords().enumerate() {
                    let x = (c.x - self.min_lon) * self.scale_x + self.offset.0;
                    let y = (self.max_lat - c.y) * self.scale_y + self.offset.1;
                    let _ = write!(d, "{}{:.1} {:.1}", if i == 0 { 'M' } else { 'L' }, x, y);
                }
                d.push('Z');
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SQUARES: &str = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"code":"B"},"geometry":{"type":"Polygon","coordinates":[[[106.0,10.0],[106.1,10.0],[106.1,10.1],[106.0,10.1],[106.0,10.0]]]}},
      {"type":"Feature","properties":{"code":"A"},"geometry":{"type":"Polygon","coordinates":[[[106.1,10.0],[106.2,10.0],[106.2,10.1],[106.1,10.1],[106.1,10.0]]]}}
    ]}"#;

    #[test]
    fn a_click_on_the_map_reads_back_as_the_coordinate_drawn_there() {
        let index = BoundaryIndex::from_geojson(SQUARES).unwrap();
        let map = index.map_geometry(400.0, &[]);
        let (x, y) = map.projection.to_pixel(10.05, 106.15);
        let (lat, lon) = map.coordinate_at(x, y);
        assert!((lat - 10.05).abs() < 1e-9 && (lon - 106.15).abs() < 1e-9);
        assert_eq!(index.locate(Coordinate::new(lat, lon).unwrap()), Some("A"));
        let (lat, lon) = map.coordinate_at(0.0, 0.0);
        assert!((lat - 10.1).abs() < 1e-9 && (lon - 106.0).abs() < 1e-9);
    }

    #[test]
    fn locates_inside_outside_and_on_shared_edges() {
        let index = BoundaryIndex::from_geojson(SQUARES).unwrap();
        assert_eq!(
            index.locate(Coordinate::new(10.05, 106.05).unwrap()),
            Some("B")
        );
        assert_eq!(
            index.locate(Coordinate::new(10.05, 106.15).unwrap()),
            Some("A")
        );
        // The shared edge x = 106.1 belongs to both squares: the lowest code wins.
        assert_eq!(
            index.locate(Coordinate::new(10.05, 106.1).unwrap()),
            Some("A")
        );
        assert_eq!(index.locate(Coordinate::new(11.0, 106.05).unwrap()), None);
    }

    #[test]
    fn rejects_invalid_coordinates() {
        assert_eq!(Coordinate::new(91.0, 0.0), Err(CoordinateError::Latitude));
        assert_eq!(
            Coordinate::new(0.0, f64::NAN),
            Err(CoordinateError::Longitude)
        );
        assert_eq!(
            Coordinate::new(0.0, -180.5),
            Err(CoordinateError::Longitude)
        );
    }

    #[test]
    fn real_boundaries_locate_known_places() {
        let index = BoundaryIndex::from_geojson(include_str!(
            "../../../data/hcmc-units-2025-boundaries.geojson"
        ))
        .unwrap();
        assert_eq!(index.len(), 168);
        // Bến Thành market.
        assert_eq!(
            index.locate(Coordinate::new(10.7725, 106.6980).unwrap()),
            Some("26743")
        );
        // Hà Nội is outside the city.
        assert_eq!(
            index.locate(Coordinate::new(21.0285, 105.8542).unwrap()),
            None
        );
    }

    #[test]
    fn a_locator_map_frames_the_unit_and_its_neighbours() {
        let index = BoundaryIndex::from_geojson(SQUARES).unwrap();
        let map = index.locator_map("B", 400.0).unwrap();
        let codes: Vec<&str> = map.paths.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["A", "B"]);
        assert!(index.locator_map("Z", 400.0).is_none());
    }

    #[test]
    fn map_geometry_draws_every_unit_with_an_inset() {
        let index = BoundaryIndex::from_geojson(SQUARES).unwrap();
        let map = index.map_geometry(800.0, &["A"]);
        assert_eq!(map.paths.len(), 2);
        assert!(map.inset_box.is_some());
        assert!(
            map.paths
                .iter()
                .all(|p| p.d.starts_with('M') && p.d.ends_with('Z'))
        );
    }
}
