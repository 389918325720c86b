import CoreMetrics
import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import TaktEngine

/// Counts every request and times it, by route template (`/api/v1/work-centers/{id}/dispatch-list`, never the path a client
/// sent, so a hostile client cannot grow the series), method and status class (docs/integration.md, "Metrics"):
///
/// - `takt_http_requests_total{route, method, status}`: requests answered (`status` is `2xx`, `3xx`, `4xx` or `5xx`);
/// - `takt_http_request_duration_seconds{route, method}`: the time from the request's head to the response's last byte.
///
/// Paths no route serves count under the route `unmatched`.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let cache: RequestMetricsCache

    init(factory: any MetricsFactory) {
        cache = RequestMetricsCache(factory: factory)
    }

    /// The route's template; `unmatched` when no route served the path (Hummingbird names that one `NotFound`).
    static func route(_ context: Context) -> String {
        context.endpointPath.flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "unmatched"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let method = request.method.rawValue
        do {
            var response = try await next(request, context)
            let status = response.status.code
            let route = Self.route(context)
            // Recorded once the body is written (a streamed report counts until its last byte), whether or not it all was.
            let body = response.body
            response.body = ResponseBody(contentLength: body.contentLength) { [cache] writer in
                do {
                    try await body.write(writer)
                } catch {
                    cache.record(route: route, method: method, status: status, since: start)
                    throw error
                }
                cache.record(route: route, method: method, status: status, since: start)
            }
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            cache.record(route: Self.route(context), method: method, status: status, since: start)
            throw error
        }
    }
}

/// The counters and timers of ``RequestMetricsMiddleware``, made once per series.
final class RequestMetricsCache: Sendable {
    private struct Key: Hashable {
        var route: String
        var method: String
        var statusClass: String
    }

    private let factory: any MetricsFactory
    private let counters = NIOLockedValueBox<[Key: Counter]>([:])
    private let timers = NIOLockedValueBox<[String: CoreMetrics.Timer]>([:])

    init(factory: any MetricsFactory) { self.factory = factory }

    func record(route: String, method: String, status: Int, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let key = Key(route: route, method: method, statusClass: "\(min(5, max(1, status / 100)))xx")
        let factory = factory
        let counter = counters.withLockedValue { all in
            if let c = all[key] { return c }
            let c = Counter(
                label: "takt_http_requests_total",
                dimensions: [("route", key.route), ("method", key.method), ("status", key.statusClass)],
                factory: factory
            )
            all[key] = c
            return c
        }
        let timer = timers.withLockedValue { all in
            let name = method + " " + route
            if let t = all[name] { return t }
            let t = CoreMetrics.Timer(
                label: "takt_http_request_duration_seconds",
                dimensions: [("route", route), ("method", method)],
                factory: factory
            )
            all[name] = t
            return t
        }
        counter.increment()
        timer.recordNanoseconds(elapsed.nanoseconds)
    }
}
