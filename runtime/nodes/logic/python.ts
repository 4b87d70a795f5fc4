/** Python's operators on values, as the logic nodes apply them (runtime/values/compare.ts). */
export { pyCompare, pyEquals, pyIn } from '../../values/compare';
