import { useEffect, useState } from 'preact/hooks';
import type { LiveFleet, LiveState } from './live-fleet';

/** The live fleet's state, re-rendering on every change. */
export function useLive(live: LiveFleet): LiveState {
  const [state, setState] = useState(live.state);
  useEffect(() => {
    setState(live.state);
    return live.subscribe(() => setState(live.state));
  }, [live]);
  return state;
}
