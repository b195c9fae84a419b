//! The route table. Every route is registered here with its access class, so the
//! access-control tests can walk all of them: a route cannot be added without being
//! listed.

use crate::state::AppState;
use axum::Router;
use axum::routing::MethodRouter;
use std::collections::BTreeMap;

/// Who may call a route at all (finer, unit-scoped checks happen inside handlers
/// through `dieuhanh_core::policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not. Must not reveal unit-scoped records.
    Public,
    /// A signed-in person; results are filtered to their scope.
    SignedIn,
    /// System administrators only.
    Admin,
    /// Operations endpoints (health, metrics).
    Ops,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    Page,
    Api,
    Ops,
}

#[derive(Debug, Clone)]
pub struct RouteInfo {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    pub surface: Surface,
}

#[derive(Default)]
pub struct RouteTable {
    methods: BTreeMap<&'static str, MethodRouter<AppState>>,
    pub routes: Vec<RouteInfo>,
}

impl RouteTable {
    pub fn add(
        mut self,
        method: &'static str,
        path: &'static str,
        access: Access,
        handler: MethodRouter<AppState>,
    ) -> Self {
        let surface = if path.starts_with("/api/v1") {
            Surface::Api
        } else if access == Access::Ops {
            Surface::Ops
        } else {
            Surface::Page
        };
        self.routes.push(RouteInfo {
            method,
            path,
            access,
            surface,
        });
        let merged = match self.methods.remove(path) {
            Some(existing) => existing.merge(handler),
            None => handler,
        };
        self.methods.insert(path, merged);
        self
    }

    pub fn into_router(self) -> (Router<AppState>, Vec<RouteInfo>) {
        let mut router = Router::new();
        for (path, handler) in self.methods {
            router = router.route(path, handler);
        }
        (router, self.routes)
    }
}
