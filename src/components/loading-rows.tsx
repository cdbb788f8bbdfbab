/** A table-shaped skeleton for a first load (antd's Skeleton would add to the first screen's bundle). */
export function LoadingRows({ label, rows = 8 }: { label: string; rows?: number }) {
  return (
    <div className="loading-rows" role="status" aria-busy="true" aria-label={label}>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="loading-row">
          <span style={{ width: '18%' }} />
          <span style={{ width: '24%' }} />
          <span style={{ width: '30%' }} />
          <span style={{ width: '12%' }} />
        </div>
      ))}
    </div>
  );
}
