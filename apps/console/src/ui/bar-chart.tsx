import { useEffect, useRef, useState, type CSSProperties } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './bar-chart.css';

/**
 * The console's one chart: bars per time bucket, stacked, with an optional line on its own scale at
 * the right (uPlot, on a canvas). It takes its container's width (ResizeObserver) and its colours from
 * the theme's custom properties, drawn again when the theme changes. Only lazily loaded pages import
 * it, so uPlot stays out of the first load.
 *
 * The canvas is a picture (role="img", named by `label`): the page gives the numbers in words or as a
 * table beside it, and any action a bar offers (`onSelect`) by keyboard there too. Colour is never the
 * only key: a series can be hatched, and the legend says each in words.
 */

export interface BarSeries {
  label: string;
  /** One per bucket. */
  values: number[];
  /** A colour custom property of styles.css: `--ok`, `--danger`… */
  color: string;
  /** Diagonal stripes over the colour (failures, criticals): told apart without colour. */
  hatch?: boolean;
}

export interface LineSeries {
  label: string;
  /** One per bucket; null where there is nothing to show (a gap in the line). */
  values: Array<number | null>;
  color: string;
  /** What the right-hand axis counts: "ms". */
  unit: string;
}

export interface BarChartProps {
  /** The picture's accessible name: what it shows ("Events per 15 minutes, last 24 hours"). */
  label: string;
  /** Each bucket's start, epoch ms, oldest first. */
  starts: number[];
  bucketMs: number;
  /** Stacked from the bottom up. */
  bars: BarSeries[];
  line?: LineSeries;
  /** CSS pixels (the width is the container's). */
  height?: number;
  /** A bar was clicked or tapped (its bucket's index). */
  onSelect?: (index: number) => void;
  /** The text under the chart while a bucket is hovered ("14:00–14:15: 3 events"). */
  describe?: (index: number) => string;
  /** Under the chart while none is hovered. */
  hint?: string;
}

export function BarChart(props: BarChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<number | null>(null);
  const theme = useThemeVersion();
  // The latest callbacks, read by the chart's own handlers (the chart is not rebuilt when only they change).
  const callbacks = useRef(props);
  callbacks.current = props;

  const { starts, bucketMs, bars, line, height = 160 } = props;
  // Drawn again when the numbers change (not when the page merely renders again with equal ones).
  const dataKey = JSON.stringify([starts, bucketMs, bars, line, height]);
  useEffect(() => {
    const { starts, bucketMs, bars, line, height = 160 } = callbacks.current;
    const root = container.current;
    if (!root || starts.length === 0) return;
    const colors = {
      text: resolveColor(root, '--muted'),
      grid: resolveColor(root, '--border'),
      bg: resolveColor(root, '--bg'),
    };
    const step = bucketMs / 1000;
    // Bars sit on their bucket's middle; the x range is the buckets' whole span.
    const xs = starts.map((start) => start / 1000 + step / 2);
    // Stacked: each series drawn up to the sum of itself and those below, topmost first, so the
    // lower ones paint over the lower part of the taller bars.
    const sums: number[][] = [];
    bars.forEach((series, i) => sums.push(series.values.map((v, j) => v + (i ? sums[i - 1][j] : 0))));
    const barsPath = uPlot.paths.bars!({ size: [0.8, 48, 1], align: 0 });
    const barSeries: uPlot.Series[] = bars.map((series) => {
      const color = resolveColor(root, series.color);
      return {
        label: series.label,
        paths: barsPath,
        points: { show: false },
        width: 0,
        fill: series.hatch ? hatched(color, colors.bg) : color,
        stroke: color,
        scale: 'y',
      };
    });
    const lineColor = line ? resolveColor(root, line.color) : '';
    const options: uPlot.Options = {
      width: Math.max(1, Math.floor(root.clientWidth)),
      height,
      legend: { show: false },
      cursor: { drag: { x: false, y: false, setScale: false }, points: { show: false }, y: false },
      select: { show: false, left: 0, top: 0, width: 0, height: 0 },
      padding: [8, line ? 4 : 12, 0, 0],
      scales: {
        x: { time: true, range: () => [starts[0] / 1000, starts[starts.length - 1] / 1000 + step] },
        y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] },
        ...(line ? { line: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] } } : {}),
      },
      axes: [
        { stroke: colors.text, grid: { show: false }, ticks: { stroke: colors.grid, size: 4 }, font: FONT },
        {
          stroke: colors.text,
          grid: { stroke: colors.grid, width: 1 },
          ticks: { show: false },
          font: FONT,
          size: 40,
          incrs: INTEGER_STEPS,
          values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? compact(v) : '')),
        },
        ...(line
          ? [
              {
                scale: 'line',
                side: 1,
                stroke: colors.text,
                grid: { show: false },
                ticks: { show: false },
                font: FONT,
                size: 56,
                values: (_u: uPlot, splits: number[]) => splits.map((v) => `${compact(v)} ${line.unit}`),
              } satisfies uPlot.Axis,
            ]
          : []),
      ],
      series: [
        {},
        ...[...barSeries].reverse(),
        ...(line
          ? [
              {
                label: line.label,
                scale: 'line',
                stroke: lineColor,
                width: 2,
                spanGaps: false,
                points: { show: true, size: 5, fill: lineColor, stroke: lineColor },
              } satisfies uPlot.Series,
            ]
          : []),
      ],
      hooks: {
        setCursor: [(u) => setHover(u.cursor.idx ?? null)],
      },
    };
    const chart = new uPlot(
      options,
      [xs, ...[...sums].reverse(), ...(line ? [line.values] : [])] as uPlot.AlignedData,
      root,
    );
    chart.root.setAttribute('aria-hidden', 'true');
    const onClick = () => {
      const index = chart.cursor.idx;
      if (index !== null && index !== undefined) callbacks.current.onSelect?.(index);
    };
    const onLeave = () => setHover(null);
    chart.over.addEventListener('click', onClick);
    chart.over.addEventListener('mouseleave', onLeave);
    if (callbacks.current.onSelect) chart.over.style.cursor = 'pointer';
    const resize = new ResizeObserver(() => {
      const width = Math.max(1, Math.floor(root.clientWidth));
      if (width !== chart.width) chart.setSize({ width, height });
    });
    resize.observe(root);
    return () => {
      resize.disconnect();
      chart.over.removeEventListener('click', onClick);
      chart.over.removeEventListener('mouseleave', onLeave);
      chart.destroy();
    };
  }, [dataKey, theme]);

  const total = bars.reduce((n, series) => n + series.values.reduce((a, b) => a + b, 0), 0);
  const readout = hover !== null && hover < starts.length ? props.describe?.(hover) : props.hint;
  return (
    <div className="bar-chart">
      <div
        ref={container}
        className="bar-chart-plot"
        role="img"
        aria-label={props.label}
        style={{ height }}
        data-bars={starts.length}
        data-total={total}
        data-x-min={starts[0]}
        data-x-max={starts.length ? starts[starts.length - 1] + bucketMs : undefined}
        data-line-points={line ? line.values.filter((v) => v !== null).length : undefined}
      />
      {/* What the pointer is on: the same numbers as the page's text, so hidden from screen readers. */}
      <p className="bar-chart-readout help" aria-hidden="true">
        {readout ?? ' '}
      </p>
      <p className="bar-chart-legend">
        {bars.map((series) => (
          <span key={series.label}>
            <span
              className={`bar-chart-swatch${series.hatch ? ' bar-chart-swatch-hatched' : ''}`}
              style={{ '--swatch': `var(${series.color})` } as CSSProperties}
              aria-hidden="true"
            />{' '}
            {series.label}
            {series.hatch ? ' (hatched)' : ''}
          </span>
        ))}
        {line && (
          <span>
            <span
              className="bar-chart-swatch bar-chart-swatch-line"
              style={{ '--swatch': `var(${line.color})` } as CSSProperties}
              aria-hidden="true"
            />{' '}
            {line.label} (line, right-hand scale)
          </span>
        )}
      </p>
    </div>
  );
}

const FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
/** Counts are whole: the y axis steps by 1, 2, 5, 10 … */
const INTEGER_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6];

function compact(value: number): string {
  return value >= 10_000 ? `${Math.round(value / 1000)}k` : String(Math.round(value * 10) / 10);
}

/**
 * A custom property's colour as the canvas needs it (rgb), resolved where the chart is: the theme's
 * colours are light-dark() pairs, which only a computed `color` turns into the one in use.
 */
function resolveColor(within: HTMLElement, property: string): string {
  const probe = document.createElement('span');
  probe.style.color = `var(${property})`;
  probe.style.display = 'none';
  within.appendChild(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color;
}

/** The colour with stripes of the background across it. */
function hatched(color: string, background: string): CanvasPattern | string {
  const size = Math.round(8 * (window.devicePixelRatio || 1));
  const tile = document.createElement('canvas');
  tile.width = tile.height = size;
  const ctx = tile.getContext('2d');
  if (!ctx) return color;
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, size, size);
  ctx.strokeStyle = background;
  ctx.lineWidth = size / 5;
  for (const offset of [-size, 0, size]) {
    ctx.beginPath();
    ctx.moveTo(offset, size);
    ctx.lineTo(offset + size, 0);
    ctx.stroke();
  }
  return ctx.createPattern(tile, 'repeat') ?? color;
}

/** Changes when the theme does: the system's scheme, or the Theme choice (data-theme on <html>). */
function useThemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((n) => n + 1);
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    media.addEventListener('change', bump);
    const observer = new MutationObserver(bump);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => {
      media.removeEventListener('change', bump);
      observer.disconnect();
    };
  }, []);
  return version;
}
