import { useSyncExternalStore, type MouseEvent, type ReactNode } from 'react';

/** Where the console lives; every route is under it. */
export const BASE = '/console';

const CHANGE = 'console:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

function snapshot(): string {
  return window.location.pathname + window.location.search;
}

/** The current route: path below {@link BASE} (`/referrals/…`) and query. */
export function useLocation(): { path: string; search: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  let path = url.pathname.startsWith(BASE) ? url.pathname.slice(BASE.length) : url.pathname;
  if (path === '') path = '/';
  return { path, search: url.searchParams };
}

/** Goes to `to` (a path below {@link BASE}, with its query) without reloading. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const href = BASE + to;
  if (options.replace === true) window.history.replaceState(null, '', href);
  else window.history.pushState(null, '', href);
  window.dispatchEvent(new Event(CHANGE));
  window.scrollTo(0, 0);
}

/** A link within the console: a real `<a href>` (keyboard, new tab) handled without reload. */
export function Link(props: {
  to: string;
  children: ReactNode;
  className?: string;
  testId?: string;
  current?: boolean;
}) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    navigate(props.to);
  };
  return (
    <a
      href={BASE + props.to}
      onClick={onClick}
      className={props.className}
      data-testid={props.testId}
      aria-current={props.current === true ? 'page' : undefined}
    >
      {props.children}
    </a>
  );
}
