"use client";

// An ECharts canvas that follows its container's width. Only the chart types the pages use are
// registered, which keeps the bundle small.

import { useEffect, useRef } from "react";
import * as echarts from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
} from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";
import type { EChartsCoreOption } from "echarts/core";

echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  DataZoomComponent,
  CanvasRenderer,
]);

export const palette = [
  "#0284c7",
  "#f59e0b",
  "#10b981",
  "#8b5cf6",
  "#ef4444",
  "#14b8a6",
  "#ec4899",
  "#6366f1",
  "#84cc16",
  "#f97316",
  "#94a3b8",
];

export function Chart({
  option,
  height = 320,
  testId,
  attrs,
}: {
  option: EChartsCoreOption;
  height?: number;
  testId?: string;
  // data-* attributes describing what is drawn, for tests that cannot read a canvas.
  attrs?: Record<string, string>;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!ref.current) return;
    const c = echarts.init(ref.current, undefined, { renderer: "canvas" });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(ref.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({ color: palette, animationDuration: 300, ...option }, { notMerge: true });
  }, [option]);

  return <div ref={ref} data-testid={testId} {...attrs} style={{ width: "100%", height }} />;
}
