import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppError } from '../http/app-error';
import { type RouteInfo, RouteTable } from './route-table';

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean | undefined> };
  match(path: string): false | { params: Record<string, string> };
}

export interface MatchedRoute {
  info: RouteInfo;
  params: Record<string, string>;
}

/**
 * Which route a method and path reach, asked of Express's own router (the
 * first route layer that takes them, as a request would find it), then
 * looked up in the RouteTable by its pattern: explain decides for the route
 * a request would really reach, trailing slash and encoding included.
 */
@Injectable()
export class RouteMatcher {
  private byLabel?: Map<string, RouteInfo>;

  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly table: RouteTable,
  ) {}

  /** Null when no route of the API takes them (explain's `route` check fails). */
  match(method: string, path: string): MatchedRoute | null {
    const pathname = path.split('?', 1)[0];
    const name = method.toLowerCase();
    for (const layer of this.layers()) {
      const methods = layer.route?.methods;
      if (!methods) continue;
      const handles =
        methods[name] || methods._all || (name === 'head' && methods.get);
      if (!handles) continue;
      const found = this.matchLayer(layer, pathname);
      if (!found) continue;
      const verb = methods[name] ? method : 'GET';
      const info = this.labels().get(`${verb} ${layer.route!.path}`);
      return info ? { info, params: found.params } : null;
    }
    return null;
  }

  private matchLayer(layer: ExpressLayer, pathname: string) {
    try {
      return layer.match(pathname);
    } catch {
      // A malformed %-escape in a parameter: Express answers such a request 400.
      throw AppError.invalidField('path', 'holds a malformed %-escape');
    }
  }

  private layers(): ExpressLayer[] {
    const app = this.adapter.httpAdapter.getInstance<{
      router: { stack: ExpressLayer[] };
    }>();
    return app.router.stack;
  }

  private labels(): Map<string, RouteInfo> {
    this.byLabel ??= new Map(
      this.table
        .routes()
        .map((route) => [`${route.method} ${route.path}`, route]),
    );
    return this.byLabel;
  }
}
