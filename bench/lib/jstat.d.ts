/** The part of jstat (a dev dependency, no types of its own) the bench uses. */
declare module 'jstat' {
  export const jStat: {
    readonly studentt: {
      /** The quantile of Student's t with `dof` degrees of freedom at probability `p`. */
      inv(p: number, dof: number): number;
    };
  };
}
