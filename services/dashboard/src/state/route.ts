import { useEffect, useState } from 'preact/hooks';

/** Pages are addressed by the URL's fragment, so the API serves one file for all of them. */
export type Route =
  | { page: 'fleet' }
  | { page: 'network'; name: string }
  | { page: 'history'; query: URLSearchParams }
  | { page: 'webhooks' };

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?', 2);
  const network = /^\/networks\/([^/]+)$/.exec(path);
  if (network) return { page: 'network', name: decodeURIComponent(network[1]!) };
  if (path === '/history') return { page: 'history', query: new URLSearchParams(search) };
  if (path === '/webhooks') return { page: 'webhooks' };
  return { page: 'fleet' };
}

export const webhooksHref = () => '#/webhooks';
export const networkHref = (name: string) => `#/networks/${encodeURIComponent(name)}`;
export const historyHref = (query: Record<string, string | undefined> = {}) => {
  const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => !!e[1]));
  const text = params.toString();
  return `#/history${text ? `?${text}` : ''}`;
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
