/** Pairwise Cohen's κ between annotators as a small matrix (an HTML table, coloured by κ). */
import { inkOn, kappaColor } from "../../quality/colors";
import { kappaMatrix } from "../../quality/pairwise";
import type { PairAgreement } from "../../quality/report";

export function KappaMatrix({ raters, pairs }: { raters: readonly string[]; pairs: readonly PairAgreement[] }) {
  const rows = kappaMatrix(raters, pairs);
  return (
    <table className="kappa-matrix" aria-label="Pairwise Cohen's kappa">
      <thead>
        <tr>
          <th scope="col" aria-label="annotator" />
          {raters.map((r) => (
            <th key={r} scope="col">{r}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={raters[i]}>
            <th scope="row">{raters[i]}</th>
            {row.map((c) => {
              const bg = c.a === c.b ? "transparent" : kappaColor(c.value);
              const title =
                c.a === c.b
                  ? undefined
                  : c.value !== null
                    ? `κ(${c.a}, ${c.b}) = ${c.text} over ${c.nItems} items`
                    : `κ(${c.a}, ${c.b}) undefined — ${c.reason}`;
              return (
                <td
                  key={c.b}
                  className={c.a === c.b ? "kappa-self" : c.value === null ? "kappa-none" : undefined}
                  style={{ background: bg, color: inkOn(bg.startsWith("#") ? bg : "#ffffff") }}
                  title={title}
                  aria-label={title}
                >
                  {c.text}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
