// Compile-time assertions: assertType<Expected>()(value) fails to compile unless the value's type
// is exactly Expected (not merely assignable).
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;

export function assertType<Expected>() {
  return <Actual>(_value: Actual, ..._exact: Equal<Actual, Expected> extends true ? [] : [never]): void => {};
}
