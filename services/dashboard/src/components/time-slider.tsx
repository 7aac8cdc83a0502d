import { useEffect, useRef, useState } from 'preact/hooks';
import type { FleetGridAnswer } from '@netfleet/api-types/fleet-answers';
import type { HistoryPageAnswer } from '@netfleet/api-types/history-answers';
import type { ApiClient } from '../api/api-client';
import { formatTime } from '../lib/format-time';

/** A past moment the grid shows: the log position it resolved to (GET /v1/fleet/grid?at=…). */
export interface PastMoment { label: string; position: number }

const STEPS = 1000;

/**
 * Drag to any moment between the first event and now: the grid shows the fleet as it was then,
 * marked as the past. The right end (or "Back to now") returns to the live view. A moment can
 * also be typed: an ISO time or a log position, exactly as the API's `at` takes it.
 */
export function TimeSlider({ api, livePosition, past, onPast }: { api: ApiClient; livePosition: number; past: PastMoment | undefined; onPast: (p: PastMoment | undefined) => void }) {
  const [start, setStart] = useState<number | undefined>();
  const [value, setValue] = useState(STEPS);
  const [jump, setJump] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);
  const request = useRef(0);
  const debounce = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const end = Date.now();

  useEffect(() => {
    if (start !== undefined || livePosition === 0) return;
    api.get<HistoryPageAnswer>('/v1/history?limit=1')
      .then((r) => { if (r.entries[0]) setStart(Date.parse(r.entries[0].at)); })
      .catch((e: Error) => setError(e.message));
  }, [api, livePosition > 0]);

  const timeOf = (v: number) => (start === undefined ? end : start + ((end - start) * v) / STEPS);
  const load = async (at: string, label: string) => {
    const mine = ++request.current;
    setLoading(true);
    try {
      // One row is enough to learn the position the moment resolves to (or the API's word on a
      // bad one); the grid then asks for what it draws at that position.
      const answer = await api.get<FleetGridAnswer>(`/v1/fleet/grid?limit=1&at=${encodeURIComponent(at)}`);
      if (mine !== request.current) return;
      setError(undefined);
      onPast({ label, position: answer.position });
    } catch (e) {
      if (mine === request.current) setError((e as Error).message);
    } finally {
      if (mine === request.current) setLoading(false);
    }
  };
  const backToNow = () => {
    request.current++;
    clearTimeout(debounce.current);
    setValue(STEPS);
    setLoading(false);
    setError(undefined);
    onPast(undefined);
  };
  const onSlide = (v: number) => {
    setValue(v);
    clearTimeout(debounce.current);
    if (v >= STEPS) return backToNow();
    // Dragging fires many inputs: ask for the moment the hand rests on.
    debounce.current = setTimeout(() => {
      const t = new Date(timeOf(v));
      void load(t.toISOString(), formatTime(t));
    }, 120);
  };
  const onJump = (e: Event) => {
    e.preventDefault();
    const text = jump.trim();
    if (!text) return;
    const t = /^\d+$/.test(text) ? undefined : Date.parse(text);
    if (t !== undefined && start !== undefined && Number.isFinite(t)) setValue(Math.max(0, Math.min(STEPS - 1, Math.round(((t - start) / Math.max(1, end - start)) * STEPS))));
    void load(text, /^\d+$/.test(text) ? `log position ${text}` : formatTime(t ?? text));
  };

  return (
    <section class={`time-travel${past ? ' is-past' : ''}`} aria-label="Time travel">
      <div class="slider-row">
        <label for="time-slider">Time</label>
        <input id="time-slider" type="range" min={0} max={STEPS} step={1} value={value} disabled={start === undefined}
          aria-valuetext={value >= STEPS ? 'now (live)' : formatTime(timeOf(value))} data-testid="time-slider"
          onInput={(e) => onSlide(Number(e.currentTarget.value))} />
        <output for="time-slider" class="slider-value">{value < STEPS ? formatTime(timeOf(value)) : past ? past.label : 'now (live)'}</output>
        <button type="button" onClick={backToNow} disabled={!past && value >= STEPS}>Back to now</button>
      </div>
      <form class="jump" onSubmit={onJump}>
        <label for="time-jump">Show the fleet at</label>
        <input id="time-jump" value={jump} onInput={(e) => setJump(e.currentTarget.value)} placeholder="ISO time or log position" />
        <button type="submit">Show</button>
        {loading && <span role="status"> loading…</span>}
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {past && (
        <p class="past-banner" role="status" data-testid="past-banner" data-position={past.position}>
          <strong>The past:</strong> the fleet as it was at {past.label}{past.label.startsWith('log position') ? '' : ` (log position ${past.position})`}. Live changes are not shown here.
        </p>
      )}
    </section>
  );
}
